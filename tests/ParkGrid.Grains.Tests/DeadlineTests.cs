using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Sla;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>SLA clocks in Chinese working days, through a case grain on the virtual clock.</summary>
public class DeadlineTests
{
    private static readonly Policy FiveDayAck = Policy.Default with { Name = "five-day-ack", AckWithin = 5 };

    [Fact]
    public void Five_working_days_after_Friday_2025_09_26_end_at_24_00_on_2025_10_10()
    {
        using var w = new World(At(2025, 9, 26, 8)).Setup(FiveDayAck);
        w.AdvanceTo(2025, 9, 26, 10);
        var c = w.File("xa-2025-0001", CaseCategory.SlowApproval);

        // Counted: 09-28 (a Sunday made a working day), 09-29, 09-30, then 10-09, 10-10; 10-01 … 10-08 are days off.
        Assert.Equal(SlaKind.Acknowledge, c.ActiveClock!.Kind);
        Assert.Equal(D(2025, 10, 10), c.ActiveClock.DeadlineDate);
        Assert.Equal(At(2025, 10, 11), c.ActiveClock.Deadline); // 24:00 of 10-10, Shanghai
        Assert.Equal(5, c.ActiveClock.RemainingWorkingDays);

        // By 10-08 it consumed 09-28, 09-29 and 09-30; the eight holiday days consumed nothing: 10-09 and 10-10 remain.
        w.AdvanceTo(2025, 10, 8, 12);
        Assert.Equal(2, w.CaseSnapshot("xa-2025-0001").ActiveClock!.RemainingWorkingDays);

        w.AdvanceTo(At(2025, 10, 11) - Duration.FromMinutes(1));
        Assert.False(w.CaseSnapshot("xa-2025-0001").Overdue);
        Assert.Equal(0, w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetSnapshot()).OverdueCases);

        // The case's reminder wakes at the deadline itself: the park learns at once that the case is overdue.
        w.AdvanceTo(At(2025, 10, 11));
        var late = w.CaseSnapshot("xa-2025-0001");
        Assert.True(late.Overdue);
        Assert.Equal(1, late.ActiveClock!.OverdueWorkingDays); // Saturday 10-11 is a make-up working day
        Assert.Equal(1, w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetSnapshot()).OverdueCases);
        Assert.Single(w.Run(g => g.GetGrain<IParkGrain>(World.Park).ListOpenCases(new CaseFilter(OverdueOnly: true))));
    }

    [Fact]
    public void A_clock_started_on_a_holiday_counts_from_the_first_working_day_after_it()
    {
        using var w = new World(At(2025, 10, 3, 8)).Setup(FiveDayAck);
        w.AdvanceTo(2025, 10, 3, 10); // Friday, inside the National Day holiday
        var c = w.File("xa-2025-0002", CaseCategory.Financing);

        // The start day is never counted; counted: 10-09, 10-10, 10-11 (make-up Saturday), 10-13, 10-14.
        Assert.Equal(D(2025, 10, 14), c.ActiveClock!.DeadlineDate);
        w.AdvanceTo(At(2025, 10, 15) - Duration.FromSeconds(1));
        Assert.False(w.CaseSnapshot("xa-2025-0002").Overdue);
        w.AdvanceTo(At(2025, 10, 15));
        Assert.True(w.CaseSnapshot("xa-2025-0002").Overdue);
    }

    [Fact]
    public void A_paused_clock_moves_its_deadline_by_the_working_days_it_was_paused()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        const string id = "xa-2025-0003";
        w.AdvanceTo(2025, 11, 3, 9);
        w.File(id, CaseCategory.UtilitiesAndLand);
        w.AdvanceTo(2025, 11, 3, 10);
        var verifying = w.Run(g => g.GetGrain<ICaseGrain>(id).StartVerification("sup-wang"));
        // verifyWithin 10 from Monday 11-03: 11-04 … 11-07, 11-10 … 11-14, 11-17.
        Assert.Equal(D(2025, 11, 17), verifying.ActiveClock!.DeadlineDate);

        w.AdvanceTo(2025, 11, 5, 10);
        var paused = w.Run(g => g.GetGrain<ICaseGrain>(id).PauseClock("sup-wang", "waiting for the enterprise's land documents"));
        Assert.True(paused.ActiveClock!.Paused);
        Assert.Null(paused.ActiveClock.DeadlineDate);
        Assert.Null(paused.NextWakeAt); // a paused clock cannot breach: nothing to wake for

        w.AdvanceTo(2025, 11, 11, 10);
        var resumed = w.Run(g => g.GetGrain<ICaseGrain>(id).ResumeClock("sup-wang"));
        // Paused at the end of 11-05, 11-06, 11-07 and 11-10: 4 working days credited; 10 + 4 from 11-03 is 11-21.
        Assert.Equal(4, resumed.ActiveClock!.PausedWorkingDays);
        Assert.Equal(D(2025, 11, 21), resumed.ActiveClock.DeadlineDate);
        Assert.Contains(resumed.Record.History, e => e.Action == CaseAction.ResumeClock && e.Detail!.Contains("4 working day(s) credited"));

        w.AdvanceTo(2025, 11, 18, 12); // past the original deadline: still in time
        Assert.False(w.CaseSnapshot(id).Overdue);
        w.AdvanceTo(At(2025, 11, 22));
        Assert.True(w.CaseSnapshot(id).Overdue);
    }
}
