using System.Text.Json;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Policies;
using ParkGrid.Runtime.Json;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

/// <summary>Domain records are grain state: they must round-trip through the runtime's JSON settings.</summary>
public class JsonRoundTripTests
{
    private static string Json<TValue>(TValue value) => JsonSerializer.Serialize(value, ParkGridJson.Options);

    private static TValue Back<TValue>(string json) => JsonSerializer.Deserialize<TValue>(json, ParkGridJson.Options)!;

    [Fact]
    public void A_case_record_with_clocks_pauses_escalations_and_history_round_trips()
    {
        var c = KpiTests.ParkACases()[1];  // C2: reopened, escalated, resolved
        var c4 = KpiTests.ParkACases()[3]; // C4: four escalations, overdue rectification
        foreach (var record in new[] { c, c4, CaseLifecycleTests.CaseIn(CaseStatus.Assigned) })
        {
            var json = Json(record);
            var back = Back<CaseRecord>(json);
            Assert.Equal(json, Json(back));
            Assert.Equal<CaseEvent>(record.History, back.History); // element by element (ImmutableArray equality is by reference)
            Assert.Equal(record.Status, back.Status);
            Assert.Equal(record.Clocks.Select(k => k.Clock.DeadlineDate), back.Clocks.Select(k => k.Clock.DeadlineDate));
        }

        Assert.Contains("\"status\":\"Resolved\"", Json(c));
    }

    [Fact]
    public void A_paused_clock_round_trips()
    {
        var life = new CaseLifecycle(Policy.Default, WorkingDayCalendar.China);
        var c = life.PauseClock(CaseLifecycleTests.CaseIn(CaseStatus.Rectifying), "d", At(2025, 9, 3, 10), "waiting");
        var back = Back<CaseRecord>(Json(c));
        Assert.True(back.ActiveClock!.Clock.IsPaused);
        Assert.Equal("waiting", back.ActiveClock.Clock.Pauses[^1].Reason);
        var resumed = life.ResumeClock(back, "d", At(2025, 9, 5, 10));
        Assert.Equal(2, resumed.ActiveClock!.Clock.PausedWorkingDays);
    }

    [Fact]
    public void A_policy_round_trips()
    {
        var p = Policy.Default.WithRectifyWithin(Cases.CaseCategory.Financing, 7) with { Name = "x", JointInspection = true };
        var back = Back<Policy>(Json(p));
        Assert.Equal(p, back);
        Assert.Equal(7, back.RectifyWithinFor(Cases.CaseCategory.Financing));
    }

    [Fact]
    public void A_KPI_tally_round_trips_and_combines_after_transport()
    {
        var a = KpiCalculator.Tally(KpiTests.ParkA(), KpiTests.P, WorkingDayCalendar.China);
        var b = KpiCalculator.Tally(KpiTests.ParkB(), KpiTests.P, WorkingDayCalendar.China);
        var combined = Back<KpiTally>(Json(a)).Combine(Back<KpiTally>(Json(b)));
        Assert.Equal(Json(a.Combine(b)), Json(combined));
    }

    [Fact]
    public void An_inspection_burden_with_its_quarter_round_trips()
    {
        var burden = new Monitors.InspectionBurden("e1", new Monitors.Quarter(2025, 4), 6, 2, 3);
        var json = Json(burden);
        Assert.Contains("\"quarter\":{\"year\":2025,\"number\":4}", json);
        Assert.Equal(burden, Back<Monitors.InspectionBurden>(json));
    }
}
