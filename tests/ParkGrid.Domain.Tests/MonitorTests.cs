using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

public class MonitorTests
{
    private static readonly WorkingDayCalendar Cn = WorkingDayCalendar.China;

    private static readonly Inspection[] Inspections =
    [
        new("i1", "enterprise/a", "department/ecology", D(2025, 1, 5)),
        new("i2", "enterprise/a", "department/market", D(2025, 1, 20)),
        new("i3", "enterprise/a", "department/ecology", D(2025, 1, 25)),   // same department again: not merged into i1's visit
        new("i4", "enterprise/a", "department/fire", D(2025, 2, 10)),      // after i1's window (01-05 + P1M = 02-05), inside i3's
        new("i5", "enterprise/a", "department/tax", D(2025, 4, 1)),        // next quarter
        new("i6", "enterprise/b", "department/ecology", D(2025, 1, 6)),
    ];

    [Fact]
    public void Joint_inspection_merges_visits_of_different_departments_within_the_window()
    {
        var policy = Policy.Default with { JointInspection = true, JointInspectionWindow = Period.FromMonths(1) };
        var visits = InspectionBurdenMonitor.Visits(Inspections, policy);
        Assert.Equal(
            [("enterprise/a", D(2025, 1, 5), "i1,i2"), ("enterprise/a", D(2025, 1, 25), "i3,i4"), ("enterprise/a", D(2025, 4, 1), "i5"), ("enterprise/b", D(2025, 1, 6), "i6")],
            visits.Select(v => (v.EnterpriseId, v.Date, string.Join(",", v.Inspections.Select(i => i.Id)))));
        Assert.Equal(["department/ecology", "department/market"], visits[0].Departments);
    }

    [Fact]
    public void Without_joint_inspection_every_inspection_is_a_visit()
    {
        Assert.Equal(6, InspectionBurdenMonitor.Visits(Inspections, Policy.Default).Count);
    }

    [Fact]
    public void A_shorter_window_merges_less()
    {
        var visits = InspectionBurdenMonitor.Visits(Inspections, joint: true, window: Period.FromDays(10));
        // i1 (01-05..01-15) alone; i2 (01-20..01-30) + i3 (01-25, other department); i4 alone; i5; i6.
        Assert.Equal(["i1", "i2,i3", "i4", "i5", "i6"], visits.Select(v => string.Join(",", v.Inspections.Select(i => i.Id))));
    }

    [Fact]
    public void Burden_per_enterprise_per_quarter_and_the_threshold()
    {
        var separate = Policy.Default with { InspectionBurdenThreshold = 3 };
        var burden = InspectionBurdenMonitor.Burden(Inspections, separate);
        Assert.Equal(
            [("enterprise/a", new Quarter(2025, 1), 4, 4, true), ("enterprise/a", new Quarter(2025, 2), 1, 1, false), ("enterprise/b", new Quarter(2025, 1), 1, 1, false)],
            burden.Select(b => (b.EnterpriseId, b.Quarter, b.Inspections, b.Visits, b.OverThreshold)));
        var over = Assert.Single(InspectionBurdenMonitor.OverThreshold(Inspections, separate));
        Assert.Equal("enterprise/a", over.EnterpriseId);

        // Joint inspection: enterprise/a had 2 visits (4 inspections) in Q1 — no longer over 3.
        var joint = separate with { JointInspection = true };
        Assert.Empty(InspectionBurdenMonitor.OverThreshold(Inspections, joint));
        var q1 = InspectionBurdenMonitor.Burden(Inspections, joint)[0];
        Assert.Equal((4, 2), (q1.Inspections, q1.Visits));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void Burden_counts_the_visits_that_Visits_builds(bool joint, int windowMonths)
    {
        // Burden counts visits without building them; it must agree with grouping Visits by enterprise and quarter.
        var policy = Policy.Default with { JointInspection = joint, JointInspectionWindow = Period.FromMonths(windowMonths), InspectionBurdenThreshold = 2 };
        var random = new Random(7);
        string[] departments = ["department/ecology", "department/market", "department/fire"];
        for (var round = 0; round < 200; round++)
        {
            var inspections = Enumerable.Range(0, random.Next(0, 12)).Select(i => new Inspection(
                $"i{random.Next(6)}", $"enterprise/{random.Next(3)}", departments[random.Next(departments.Length)], D(2025, 1, 1).PlusDays(random.Next(200)))).ToArray();
            var expected = InspectionBurdenMonitor.Visits(inspections, policy)
                .GroupBy(v => (v.EnterpriseId, Quarter: Quarter.Of(v.Date)))
                .OrderBy(g => g.Key.EnterpriseId, StringComparer.Ordinal).ThenBy(g => g.Key.Quarter)
                .Select(g => new InspectionBurden(g.Key.EnterpriseId, g.Key.Quarter, g.Sum(v => v.Inspections.Count), g.Count(), 2));
            Assert.Equal(expected, InspectionBurdenMonitor.Burden(inspections, policy));
        }
    }

    [Fact]
    public void Quarters()
    {
        Assert.Equal(new Quarter(2025, 4), Quarter.Of(D(2025, 10, 1)));
        Assert.Equal(D(2025, 12, 31), new Quarter(2025, 4).LastDay);
        Assert.Equal(new Quarter(2026, 1), new Quarter(2025, 4).Next);
        Assert.Equal(5, Quarter.Range(new Quarter(2025, 1), new Quarter(2026, 1)).Count);
    }

    [Fact]
    public void A_subsidy_unpaid_past_its_grace_raises_a_case()
    {
        // Promised Fri 2025-09-26, grace 5 working days: 09-28 (make-up Sunday), 29, 30, 10-09, 10-10 → grace ends 10-10.
        var policy = Policy.Default with { SubsidyGrace = 5 };
        var unpaid = new SubsidyPromise("s1", "enterprise/a", "department/finance", 200_000m, D(2025, 9, 26));
        Assert.Equal(D(2025, 10, 10), SubsidyMonitor.GraceEnds(unpaid, policy, Cn));
        Assert.Empty(SubsidyMonitor.Overdue([unpaid], D(2025, 10, 10), policy, Cn));

        var overdue = Assert.Single(SubsidyMonitor.Overdue([unpaid], D(2025, 10, 11), policy, Cn));
        Assert.Equal((D(2025, 10, 10), D(2025, 10, 11), 1), (overdue.GraceEnds, overdue.RaiseOn, overdue.WorkingDaysLate));
        Assert.Equal(3, SubsidyMonitor.Overdue([unpaid], D(2025, 10, 14), policy, Cn)[0].WorkingDaysLate); // 10-11, 13, 14

        var paidInTime = unpaid with { Id = "s2", PaidOn = D(2025, 10, 9) };
        var paidLate = unpaid with { Id = "s3", PaidOn = D(2025, 10, 15) };
        Assert.Equal(["s1", "s3"], SubsidyMonitor.Overdue([unpaid, paidInTime, paidLate], D(2025, 10, 14), policy, Cn).Select(o => o.Subsidy.Id));
        Assert.Equal(["s1"], SubsidyMonitor.Overdue([unpaid, paidInTime, paidLate], D(2025, 10, 20), policy, Cn).Select(o => o.Subsidy.Id));
        Assert.True(SubsidyMonitor.PaidWithinGrace(paidInTime, policy, Cn));
        Assert.False(SubsidyMonitor.PaidWithinGrace(paidLate, policy, Cn));
        // Delay: working days after the promised day up to payment: 09-28, 29, 30, 10-09, 10, 11, 13, 14, 15 = 9.
        Assert.Equal(9, SubsidyMonitor.DelayWorkingDays(paidLate, D(2025, 12, 1), Cn));
    }
}
