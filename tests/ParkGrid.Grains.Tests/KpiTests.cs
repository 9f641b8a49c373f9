using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;
using ParkGrid.Runtime.Storage;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>
/// KPIs kept by the grains that own the data: each park holds a running tally that its cases update, and the district
/// rolls its parks up. A small data set in November 2025 (no holidays; 11-03 is a Monday), worked out by hand, judged at
/// Wednesday 11-26 12:00. Policy: ack 1, verify 3, rectify 5 working days (every category), follow-up after 2, escalation
/// step 2, no fault tolerance.
/// Park A (enterprises a1, a2): A1, A2, A3. Park B (enterprise b1): B1, B2.
/// </summary>
public class KpiTests
{
    private static readonly Policy P = Policy.Default with
    {
        Name = "kpi-test",
        AckWithin = 1,
        VerifyWithin = 3,
        RectifyWithinDefault = 5,
        RectifyWithin = ImmutableDictionary<CaseCategory, int>.Empty,
        FollowUpAfter = 2,
        EscalationStep = 2,
        FaultTolerance = false,
    };

    private static World Build()
    {
        var w = new World(At(2025, 11, 3, 8));
        w.Run(async g =>
        {
            var d = g.GetGrain<IDistrictGrain>("kd");
            await d.Configure(new DistrictSetup("KPI district", [], P));
            await d.AddPark("park-a", "A");
            await d.AddPark("park-b", "B");
            await d.AddDepartment("finance", "财政局");
            await d.AddDepartment("approval", "行政审批局");
            foreach (var (e, park) in new[] { ("a1", "park-a"), ("a2", "park-a"), ("b1", "park-b") })
                await g.GetGrain<IEnterpriseGrain>(e).Register(new EnterpriseProfile(park, e));
        });

        void Do(int day, int hour, Func<IGrainFactory, Task> action)
        {
            w.AdvanceTo(2025, 11, day, hour);
            w.Run(action);
        }

        ICaseGrain C(IGrainFactory g, string id) => g.GetGrain<ICaseGrain>(id);
        Task File(IGrainFactory g, string id, string enterprise, string park, CaseCategory category, string? accused = null) =>
            C(g, id).Receive(new FileCase(CaseChannel.Hotline12345, category, enterprise, park, "12345", AccusedCadreId: accused));

        // A1: everything on time; resolved 11-12 with 90 (follow-up due 11-12, 2 working days after the 11-10 report).
        // A2: acknowledged late (deadline 11-04 24:00, verification 11-05 09:00) → ack step 1 on 11-05 00:00, before any
        //     department; rectification late (deadline 11-12, reported 11-14) → rectify step 1 on 11-13 to approval (step 2,
        //     due 11-17, never comes); reopened at the follow-up (11-18) with 40; second rectification on time (deadline
        //     11-25, reported 11-20); resolved 11-24 with 70.
        // A3: a clue against cadre-li, found unfounded 11-06 in time (verify deadline 11-07); clarification issued.
        // B1: banquet case assigned 11-04 (rectify deadline 11-11), never reported: breached 11-12 00:00; steps on 11-12,
        //     11-14, 11-18 and 11-20 (one per 2 working days), all to approval. Open at asOf.
        // B2: policy case, all on time; resolved 11-17 with 50.
        Do(3, 9, async g =>
        {
            await File(g, "A1", "a1", "park-a", CaseCategory.Financing);
            await File(g, "A2", "a2", "park-a", CaseCategory.SlowApproval);
            await File(g, "B1", "b1", "park-b", CaseCategory.ImproperBanquetsOrGifts);
        });
        Do(3, 10, g => C(g, "B1").StartVerification("s"));
        Do(3, 15, g => C(g, "A1").StartVerification("s"));
        Do(4, 9, async g =>
        {
            await File(g, "A3", "a2", "park-a", CaseCategory.DemandingFavours, "cadre-li");
            await C(g, "A3").StartVerification("s");
        });
        Do(4, 10, g => C(g, "B1").Substantiate("s", null));
        Do(4, 11, g => C(g, "B1").Assign("s", "approval"));
        Do(5, 9, g => C(g, "A2").StartVerification("s"));
        Do(5, 10, async g =>
        {
            await C(g, "A1").Substantiate("s", null);
            await C(g, "A2").Substantiate("s", null);
        });
        Do(5, 11, async g =>
        {
            await C(g, "A1").Assign("s", "finance");
            await C(g, "A2").Assign("s", "approval");
        });
        Do(6, 9, async g =>
        {
            await C(g, "A1").StartRectification("finance");
            await C(g, "A2").StartRectification("approval");
        });
        Do(6, 10, g => C(g, "A3").MarkUnfounded("s", "no evidence", new ClarificationRecord("cadre-li", "澄清正名")));
        Do(10, 9, g => File(g, "B2", "b1", "park-b", CaseCategory.PolicyNotImplemented));
        Do(10, 9, g => C(g, "B2").StartVerification("s"));
        Do(10, 10, g => C(g, "A1").ReportRectification("finance", null));
        Do(11, 10, g => C(g, "B2").Substantiate("s", null));
        Do(11, 11, async g =>
        {
            await C(g, "B2").Assign("s", "finance");
            await C(g, "B2").StartRectification("finance");
        });
        Do(12, 10, g => C(g, "A1").Resolve("s", 90, null));
        Do(13, 10, g => C(g, "B2").ReportRectification("finance", null));
        Do(14, 10, g => C(g, "A2").ReportRectification("approval", null));
        Do(17, 10, g => C(g, "B2").Resolve("s", 50, null));
        Do(18, 10, g => C(g, "A2").Reopen("s", "not solved", 40));
        Do(18, 11, g => C(g, "A2").StartRectification("approval"));
        Do(20, 10, g => C(g, "A2").ReportRectification("approval", null));
        Do(24, 10, g => C(g, "A2").Resolve("s", 70, null));
        w.AdvanceTo(2025, 11, 26, 12);
        return w;
    }

    [Fact]
    public void Park_and_district_KPIs_equal_the_values_worked_out_by_hand()
    {
        using var w = Build();
        var district = w.Run(g => g.GetGrain<IDistrictGrain>("kd").GetKpis());

        // Cases 5; open: B1 only (A3 unfounded, the rest resolved), and it is overdue.
        Assert.Equal((5, 1, 1), (district.Cases, district.OpenCases, district.OpenOverdueCases));
        // 响应率: acknowledgment clocks met ÷ decided = A1, A3, B1, B2 met; A2 late → 4/5.
        Assert.Equal(0.8, district.ResponseRate);
        // 解决率: cases with a follow-up verdict A1, A2, B2 — all Resolved now → 3/3.
        Assert.Equal(1.0, district.ResolutionRate);
        // 满意率: last scores 90 (A1), 70 (A2), 50 (B2); ≥ 60 satisfied → 2/3.
        Assert.Equal(2.0 / 3, district.SatisfactionRate!.Value, 12);
        // Overdue rate: decided clocks A1 3 (ack, verify, rectify), A2 4 (ack late, verify, rectify late, rectify), A3 2,
        // B1 3 (ack, verify, rectify breached and still running), B2 3 → 15 decided, 3 breached → 0.2.
        Assert.Equal(0.2, district.OverdueRate!.Value, 12);
        // Time to resolve in working days after receipt: A1 11-03 → 11-12 = 7; A2 11-03 → 11-24 = 15; B2 11-10 → 11-17 = 5.
        // Nearest rank over {5, 7, 15}: p50 = 2nd = 7, p90 = ⌈2.7⌉ = 3rd = 15.
        Assert.Equal((7, 15), (district.TimeToResolveP50, district.TimeToResolveP90));
        // Escalations: A2 ack step 1, A2 rectify step 1, B1 steps 1–4 → 3 reminder letters, 1 notice, 1 interview, 1 referral.
        Assert.Equal(new EscalationCounts(3, 1, 1, 1), district.Escalations);
        // Reopen rate: A2 of the 3 with a verdict → 1/3. Enterprise satisfaction: a1 90, a2 70, b1 50 → mean 70.
        Assert.Equal(1.0 / 3, district.ReopenRate!.Value, 12);
        Assert.Equal(70.0, district.EnterpriseSatisfaction);
        // Departments. finance: A1, B2 — rectification 2/2 on time, satisfaction 1/2 (50 < 60) → unqualified (< 0.60).
        // approval: A2 (two rectify clocks, one late), B1 (late) → on time 1/3; escalations A2 rectify 1 + B1 4 → unqualified.
        var finance = district.Departments["finance"];
        Assert.Equal((2, 1.0, 0.5, DepartmentRating.Unqualified), (finance.Cases, finance.RectifyOnTimeRate, finance.SatisfactionRate, finance.Rating));
        var approval = district.Departments["approval"];
        Assert.Equal((2, 1.0 / 3, new EscalationCounts(2, 1, 1, 1), DepartmentRating.Unqualified),
            (approval.Cases, approval.RectifyOnTimeRate, approval.Escalations, approval.Rating));

        // The parks: A's response is 2/3 (A2 late), B's 2/2; their mean (5/6) is not the district's 4/5.
        var a = w.Run(g => g.GetGrain<IParkGrain>("park-a").GetKpis());
        var b = w.Run(g => g.GetGrain<IParkGrain>("park-b").GetKpis());
        Assert.Equal(2.0 / 3, a.ResponseRate!.Value, 12);
        Assert.Equal(1.0, b.ResponseRate);
        Assert.NotEqual((a.ResponseRate.Value + b.ResponseRate!.Value) / 2, district.ResponseRate!.Value, 6);
        Assert.Equal((3, 0, 2), (a.Cases, a.OpenCases, b.Cases));

        // The department grains hold the same department KPIs as the roll-up.
        Assert.Equal(World.Json(finance), World.Json(w.Run(g => g.GetGrain<IDepartmentGrain>("finance").GetSnapshot()).Kpi));
        Assert.Equal(World.Json(approval), World.Json(w.Run(g => g.GetGrain<IDepartmentGrain>("approval").GetSnapshot()).Kpi));
    }

    [Fact]
    public void The_district_roll_up_is_exactly_the_tally_of_the_union_of_the_parks_records()
    {
        using var w = Build();
        var rolledUp = w.Run(g => g.GetGrain<IDistrictGrain>("kd").GetKpiTally());
        var parkA = w.Run(g => g.GetGrain<IParkGrain>("park-a").GetKpiTally());
        var parkB = w.Run(g => g.GetGrain<IParkGrain>("park-b").GetKpiTally());
        Assert.Equal(World.Json(parkA.Combine(parkB)), World.Json(rolledUp));

        // Recompute from scratch over every case record, as KpiCalculator does for a batch: the running tallies the parks
        // kept from case reports must give exactly the same numbers.
        var records = w.Run(async g =>
        {
            var list = new List<CaseRecord>();
            foreach (var id in new[] { "A1", "A2", "A3", "B1", "B2" }) list.Add((await g.GetGrain<ICaseGrain>(id).GetSnapshot()).Record);
            return list;
        });
        var batch = KpiCalculator.Tally(new KpiInput
        {
            AsOf = w.Now,
            Cases = records,
            EnterpriseIds = ["a1", "a2", "b1"],
            Quarters = [new Quarter(2025, 4)],
        }, P, WorkingDayCalendar.China);
        Assert.Equal(World.Json(batch), World.Json(rolledUp));
        Assert.Equal(World.Json(KpiCalculator.Report(batch)), World.Json(w.Run(g => g.GetGrain<IDistrictGrain>("kd").GetKpis())));
    }

    [Fact]
    public async Task Cases_and_enterprises_stored_with_their_KPI_parts_as_tallies_read_back_and_carry_on()
    {
        // States stored before contributions had their own types hold the reported part as a KpiTally: a case its one-case
        // tally, an enterprise a tally of its inspections and paid subsidies.
        var storage = new MemoryGrainStorage();
        using var w = new World(At(2025, 11, 3, 8), configure: b => b.UseStorage(storage)).Setup(P);
        w.Run(g => g.GetGrain<IDepartmentGrain>("ecology").PlanInspections(
            [.. new[] { 5, 6, 7, 10, 24 }.Select(day => new PlannedInspection("xa-0001", D(2025, 11, day)))])); // 4 visits by 11-10: over the threshold of 3
        w.AdvanceTo(2025, 11, 4, 9);
        w.File("old-1", CaseCategory.SlowApproval);
        w.Run(async g =>
        {
            await World.BringToAssignment(g.GetGrain<ICaseGrain>("old-1"), "approval");
        });
        w.AdvanceTo(2025, 11, 20, 12); // never rectified: breached, escalation steps addressed to approval
        var id = new GrainId("case", "old-1");
        w.Run(_ => w.Host.Runtime.DeactivateAsync(id));
        var enterpriseId = new GrainId("enterprise", "xa-0001");
        w.Run(_ => w.Host.Runtime.DeactivateAsync(enterpriseId));
        var enterpriseState = await storage.ReadAsync<JsonObject>("enterprise", enterpriseId);
        var enterprisePart = enterpriseState.State!["reported"].Deserialize<EnterpriseContribution>(ParkGridJson.Options)!;
        Assert.Equal((4, 1), (enterprisePart.Inspections, enterprisePart.EnterpriseQuartersOverThreshold)); // the fifth comes after the rewrite
        enterpriseState.State["reported"] = JsonSerializer.SerializeToNode(enterprisePart.ToTally(), ParkGridJson.Options);
        await storage.WriteAsync("enterprise", enterpriseId, enterpriseState.State, enterpriseState.Version);

        var stored = await storage.ReadAsync<JsonObject>("case", id);
        var state = stored.State!;
        var reported = state["reported"].Deserialize<CaseContribution>(ParkGridJson.Options)!;
        Assert.True(reported.DepartmentEscalations.Total > 0 && reported.OpenOverdue, World.Json(reported));
        state["reported"] = JsonSerializer.SerializeToNode(reported.ToTally(), ParkGridJson.Options);
        await storage.WriteAsync("case", id, state, stored.Version);
        Assert.Contains("\"openOverdueCases\":1", (await storage.ReadAsync<JsonObject>("case", id)).State!["reported"]!.ToJsonString());

        // Read back, it carries on: rectified, followed up and resolved; the receivers replace the old part exactly.
        w.Run(async g =>
        {
            var c = g.GetGrain<ICaseGrain>("old-1");
            await c.StartRectification("approval");
            await c.ReportRectification("approval", null);
        });
        w.AdvanceTo(2025, 11, 26, 10);
        w.Run(g => g.GetGrain<ICaseGrain>("old-1").Resolve("sup-wang", 80, null));
        w.AdvanceTo(2025, 11, 27, 12);
        var record = w.CaseSnapshot("old-1").Record;
        Assert.Equal(CaseStatus.Resolved, record.Status);
        var inspections = w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").GetSnapshot()).Inspections;
        Assert.Equal(5, inspections.Count);
        var burdenCase = w.CaseSnapshot("xa-0001-inspections-2025q4").Record; // raised by the fourth visit
        var batch = KpiCalculator.Tally(new KpiInput
        {
            AsOf = w.Now,
            Cases = [record, burdenCase],
            Inspections = inspections,
            EnterpriseIds = ["xa-0001", "xa-0002", "xa-0003"],
            Quarters = [new Quarter(2025, 4)],
        }, P, WorkingDayCalendar.China);
        Assert.Equal(World.Json(batch), World.Json(w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetKpiTally())));
        Assert.Equal(World.Json(batch.Departments["approval"]), World.Json(w.Run(g => g.GetGrain<IDepartmentGrain>("approval").GetSnapshot()).Tally));
        Assert.Equal(80.0, w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").GetSnapshot()).Satisfaction);

        // A stored part that is no case's (a park's tally of several cases) is refused with a clear error, not misread.
        w.Run(_ => w.Host.Runtime.DeactivateAsync(id));
        stored = await storage.ReadAsync<JsonObject>("case", id);
        stored.State!["reported"] = JsonSerializer.SerializeToNode(batch.Combine(batch), ParkGridJson.Options);
        await storage.WriteAsync("case", id, stored.State, stored.Version);
        var refusal = Assert.ThrowsAny<Exception>(() => w.CaseSnapshot("old-1"));
        Assert.Contains("is not one case's contribution", refusal.ToString());
    }

    [Fact]
    public void The_same_program_gives_the_same_trace_and_the_same_KPIs()
    {
        using var first = Build();
        using var second = Build();
        Assert.Equal(first.Host.TraceHash, second.Host.TraceHash);
        Assert.Equal(first.Host.TurnsExecuted, second.Host.TurnsExecuted);
        Assert.Equal(World.Json(first.Run(g => g.GetGrain<IDistrictGrain>("kd").GetKpiTally())),
            World.Json(second.Run(g => g.GetGrain<IDistrictGrain>("kd").GetKpiTally())));
    }
}
