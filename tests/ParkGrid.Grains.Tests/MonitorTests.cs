using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>Monitors that raise cases by themselves: inspection burden (with and without joint inspection) and overdue subsidies.</summary>
public class MonitorTests
{
    /// <summary>
    /// Three departments each plan two inspections of one enterprise in 2025 Q4: ecology on 10-09 and 11-10, market on
    /// 10-15 and 11-12, fire on 10-20 and 11-17. Threshold: 3 visits a quarter.
    /// Without joint inspection every inspection is a visit: 6 &gt; 3, one case (when the 4th arrives, 11-10).
    /// With joint inspection (window P1M) the October three merge into the visit of 10-09 (open until 11-09), and the
    /// November three into the visit of 11-10: 2 visits, no case.
    /// </summary>
    [Fact]
    public void Joint_inspection_turns_the_same_plans_into_fewer_visits_and_the_burden_monitor_fires_only_without_it()
    {
        using var w = new World(At(2025, 10, 8, 8));
        var plans = new (string Dept, LocalDate[] Days)[]
        {
            ("ecology", [D(2025, 10, 9), D(2025, 11, 10)]),
            ("market", [D(2025, 10, 15), D(2025, 11, 12)]),
            ("fire", [D(2025, 10, 20), D(2025, 11, 17)]),
        };
        foreach (var (name, merge) in new[] { ("solo", false), ("joint", true) })
        {
            var policy = Policy.Default with { Name = name, JointInspection = merge, JointInspectionWindow = Period.FromMonths(1), InspectionBurdenThreshold = 3 };
            w.Setup(policy, enterprises: 1, district: name, park: name + "-park", prefix: name, departments: plans.Select(p => $"{name}-{p.Dept}").ToArray());
            w.Run(async g =>
            {
                foreach (var (dept, days) in plans)
                    await g.GetGrain<IDepartmentGrain>($"{name}-{dept}").PlanInspections(days.Select(d => new PlannedInspection($"{name}-0001", d)).ToArray());
            });
        }

        w.AdvanceTo(2025, 11, 10, 8);
        Assert.Empty(w.Run(g => g.GetGrain<IEnterpriseGrain>("solo-0001").GetSnapshot()).BurdenCases); // 3 visits: not over
        w.AdvanceTo(2025, 12, 31, 12);

        var solo = w.Run(g => g.GetGrain<IEnterpriseGrain>("solo-0001").GetSnapshot());
        var joint = w.Run(g => g.GetGrain<IEnterpriseGrain>("joint-0001").GetSnapshot());
        var q4 = new Quarter(2025, 4);
        Assert.Equal((6, 6), (solo.Burden.Single(b => b.Quarter == q4).Inspections, solo.Burden.Single(b => b.Quarter == q4).Visits));
        Assert.Equal((6, 2), (joint.Burden.Single(b => b.Quarter == q4).Inspections, joint.Burden.Single(b => b.Quarter == q4).Visits));

        // Exactly one "too many inspections" case for the solo enterprise, raised by the 4th inspection on 11-10 at 09:00.
        Assert.Equal(new Dictionary<string, string> { ["2025Q4"] = "solo-0001-inspections-2025q4" }, solo.BurdenCases);
        Assert.Empty(joint.BurdenCases);
        var raised = w.CaseSnapshot("solo-0001-inspections-2025q4").Record;
        Assert.Equal((CaseChannel.AutomaticMonitor, CaseCategory.TooManyInspections, At(2025, 11, 10, 9)), (raised.Channel, raised.Category, raised.ReceivedAt));
        Assert.Single(w.Run(g => g.GetGrain<IParkGrain>("solo-park").ListOpenCases(new CaseFilter(Category: CaseCategory.TooManyInspections))));
        Assert.Empty(w.Run(g => g.GetGrain<IParkGrain>("joint-park").ListOpenCases(new CaseFilter(Category: CaseCategory.TooManyInspections))));

        // The park KPIs: inspections per enterprise per quarter (one enterprise, one quarter) before and after merging.
        var soloKpi = w.Run(g => g.GetGrain<IParkGrain>("solo-park").GetKpis());
        var jointKpi = w.Run(g => g.GetGrain<IParkGrain>("joint-park").GetKpis());
        Assert.Equal((6.0, 6.0, 1), (soloKpi.RawInspectionsPerEnterpriseQuarter, soloKpi.InspectionsPerEnterpriseQuarter, soloKpi.EnterpriseQuartersOverThreshold));
        Assert.Equal((6.0, 2.0, 0), (jointKpi.RawInspectionsPerEnterpriseQuarter, jointKpi.InspectionsPerEnterpriseQuarter, jointKpi.EnterpriseQuartersOverThreshold));
        Assert.All(plans, p => Assert.Equal(2, w.Run(g => g.GetGrain<IDepartmentGrain>($"joint-{p.Dept}").GetSnapshot()).InspectionsDone));
    }

    /// <summary>
    /// A large plan: 2,400 inspections of 12 enterprises over ten working days, 240 a day. Each day's are carried out at
    /// 09:00 of their day, once each, in (date, id) order, and the plan counts down, also after the department has dropped
    /// the inspections it carried out (which it does in bulk once they are half of the list).
    /// </summary>
    [Fact]
    public void A_large_inspection_plan_is_carried_out_day_by_day_each_inspection_once()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup(enterprises: 12);
        var days = Enumerable.Range(0, 14).Select(i => D(2025, 11, 3).PlusDays(i)).Where(d => d.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)).Take(10).ToArray();
        var plan = Enumerable.Range(0, 2400).Select(i => new PlannedInspection($"xa-{i % 12 + 1:0000}", days[i / 240], $"p{i:0000}")).ToArray();
        w.Run(g => g.GetGrain<IDepartmentGrain>("ecology").PlanInspections(plan));

        for (var day = 0; day < days.Length; day++)
        {
            w.AdvanceTo(days[day].Year, days[day].Month, days[day].Day, 12);
            var snapshot = w.Run(g => g.GetGrain<IDepartmentGrain>("ecology").GetSnapshot());
            Assert.Equal((240 * (day + 1), 2400 - 240 * (day + 1)), (snapshot.InspectionsDone, snapshot.PlannedInspections));
            Assert.Equal(day + 1 < days.Length ? days[day + 1] : null, snapshot.NextInspectionOn);
        }

        var recorded = Enumerable.Range(1, 12).SelectMany(i => w.Run(g => g.GetGrain<IEnterpriseGrain>($"xa-{i:0000}").GetSnapshot()).Inspections).ToList();
        Assert.Equal(plan.Select(p => p.Id).Order(StringComparer.Ordinal), recorded.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(recorded, r => Assert.Equal(plan.Single(p => p.Id == r.Id).Date, r.Date));
    }

    /// <summary>
    /// Plans given out of order, in two batches, across a year's end, with several inspections on one day and one id
    /// given twice: they are carried out in (date, id) order, the repeated id once. A batch with an entry that names no
    /// enterprise is refused whole and leaves the plan as it was.
    /// </summary>
    [Fact]
    public void Inspections_are_carried_out_in_date_then_id_order_and_a_bad_batch_changes_nothing()
    {
        using var w = new World(At(2025, 12, 29, 8)).Setup(enterprises: 1);
        var department = "ecology";
        w.Run(g => g.GetGrain<IDepartmentGrain>(department).PlanInspections(
        [
            new PlannedInspection("xa-0001", D(2026, 1, 2), "b"),
            new PlannedInspection("xa-0001", D(2025, 12, 31), "z"),
            new PlannedInspection("xa-0001", D(2026, 1, 2), "B"),
        ]));
        var snapshot = w.Run(g => g.GetGrain<IDepartmentGrain>(department).PlanInspections(
        [
            new PlannedInspection("xa-0001", D(2026, 1, 2), "a"),
            new PlannedInspection("xa-0001", D(2025, 12, 30), "y"),
            new PlannedInspection("xa-0001", D(2026, 1, 2), "b"), // known already
        ]));
        Assert.Equal((5, D(2025, 12, 30)), (snapshot.PlannedInspections, snapshot.NextInspectionOn));

        var bad = Assert.Throws<ArgumentException>(() => w.Run(g => g.GetGrain<IDepartmentGrain>(department).PlanInspections(
        [
            new PlannedInspection("xa-0001", D(2026, 1, 5), "c"),
            new PlannedInspection(" ", D(2026, 1, 6), "d"),
        ])));
        Assert.Contains("#2 (d) has no enterprise id", bad.Message);
        snapshot = w.Run(g => g.GetGrain<IDepartmentGrain>(department).GetSnapshot());
        Assert.Equal((5, D(2025, 12, 30)), (snapshot.PlannedInspections, snapshot.NextInspectionOn));

        w.AdvanceTo(2026, 1, 3, 12);
        var recorded = w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").GetSnapshot()).Inspections;
        Assert.Equal(["y", "z", "B", "a", "b"], recorded.Select(r => r.Id));
        Assert.Equal(5, w.Run(g => g.GetGrain<IDepartmentGrain>(department).GetSnapshot()).InspectionsDone);
    }

    /// <summary>
    /// A subsidy promised on Monday 2025-11-03 with a grace of 20 working days: the grace ends on AddWorkingDays(11-03, 20)
    /// = 11-04 … 11-07 (4), 11-10 … 11-14 (9), 11-17 … 11-21 (14), 11-24 … 11-28 (19), 12-01 (20). The case is raised at
    /// 00:00 on 12-02, and never a second time however long it stays unpaid.
    /// </summary>
    [Fact]
    public void A_subsidy_unpaid_past_its_grace_raises_exactly_one_case()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        var promised = w.Run(async g =>
        {
            var e = g.GetGrain<IEnterpriseGrain>("xa-0001");
            await e.PromiseSubsidy(new SubsidyInput("s2", "finance", 50_000m, D(2025, 11, 3)));
            return await e.PromiseSubsidy(new SubsidyInput("s1", "finance", 200_000m, D(2025, 11, 3)));
        });
        Assert.Equal(D(2025, 12, 1), promised.GraceEnds);

        w.AdvanceTo(2025, 11, 20, 10);
        w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").PaySubsidy("s2")); // paid within grace: never a case

        w.AdvanceTo(At(2025, 12, 2) - Duration.FromSeconds(1));
        Assert.Empty(w.Run(g => g.GetGrain<IParkGrain>(World.Park).ListOpenCases(new CaseFilter(Category: CaseCategory.SubsidyNotPaidOnTime))));
        w.AdvanceTo(At(2025, 12, 2));
        var raised = w.Run(g => g.GetGrain<IParkGrain>(World.Park).ListOpenCases(new CaseFilter(Category: CaseCategory.SubsidyNotPaidOnTime)));
        Assert.Equal(["xa-0001-subsidy-s1"], raised.Select(c => c.CaseId));
        Assert.Equal(At(2025, 12, 2), raised[0].ReceivedAt);

        w.AdvanceTo(2026, 9, 30); // ten months on, still unpaid (and the case unhandled)
        var enterprise = w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").GetSnapshot());
        Assert.Equal(1, enterprise.CasesTotal);
        Assert.Equal("xa-0001-subsidy-s1", enterprise.Subsidies.Single(s => s.Promise.Id == "s1").CaseId);
        Assert.Null(enterprise.Subsidies.Single(s => s.Promise.Id == "s2").CaseId);
        Assert.Single(w.Run(g => g.GetGrain<IParkGrain>(World.Park).ListOpenCases(new CaseFilter(Category: CaseCategory.SubsidyNotPaidOnTime))));
        Assert.Equal(1, w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetSnapshot()).CasesTotal);

        // Park KPIs: s2 paid on time, s1 overdue → on-time 1/2; one subsidy overdue.
        var kpi = w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetKpis());
        Assert.Equal((0.5, 1), (kpi.SubsidyOnTimeRate, kpi.SubsidiesOverdue));
    }
}
