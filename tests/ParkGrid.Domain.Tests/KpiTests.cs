using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

/// <summary>
/// A small hand-checked data set, September 2025 (plain weeks; Sunday 09-28 is a make-up working day), judged at
/// Tue 2025-09-30 12:00. Park A: enterprises ea1, ea2, cases C1–C4. Park B: enterprise eb1, cases C5–C7.
/// Policy: ack 1, verify 3, rectify 5 working days (every category), escalation step 2, no fault tolerance,
/// subsidy grace 5, joint inspection with a one-month window, threshold 3.
/// </summary>
public class KpiTests
{
    private static readonly WorkingDayCalendar Cn = WorkingDayCalendar.China;

    internal static readonly Policy P = Policy.Default with
    {
        Name = "kpi-test",
        AckWithin = 1,
        VerifyWithin = 3,
        RectifyWithinDefault = 5,
        RectifyWithin = ImmutableDictionary<CaseCategory, int>.Empty,
        FollowUpAfter = 2,
        EscalationStep = 2,
        FaultTolerance = false,
        SubsidyGrace = 5,
        JointInspection = true,
        JointInspectionWindow = Period.FromMonths(1),
        InspectionBurdenThreshold = 3,
    };

    private static readonly CaseLifecycle L = new(P, Cn);
    internal static readonly Instant AsOf = At(2025, 9, 30, 12);
    private static readonly Quarter Q3 = new(2025, 3);

    private static CaseIntake In(string id, string park, string enterprise, CaseCategory category, string? accused = null) =>
        new(id, CaseChannel.Hotline12345, category, enterprise, park, AccusedCadreId: accused);

    internal static CaseRecord[] ParkACases()
    {
        // C1: all on time; resolved 09-11 with 90. Time to resolve = working days 09-02 … 09-11 = 8.
        var c1 = L.Receive(In("C1", "park/a", "ea1", CaseCategory.SubsidyNotPaidOnTime), "clerk", At(2025, 9, 1, 9));
        c1 = L.StartVerification(c1, "s", At(2025, 9, 1, 15));          // ack deadline 09-02: met
        c1 = L.Substantiate(c1, "s", At(2025, 9, 3, 10));               // verify deadline 09-04: met
        c1 = L.Assign(c1, "s", At(2025, 9, 3, 11), "finance");          // rectify deadline 09-10
        c1 = L.StartRectification(c1, "finance", At(2025, 9, 4, 9));
        c1 = L.ReportRectification(c1, "finance", At(2025, 9, 9, 10));  // met
        c1 = L.MarkFollowUpDue(c1, "system", At(2025, 9, 11, 9));
        c1 = L.Resolve(c1, "s", At(2025, 9, 11, 10), 90);

        // C2: ack late (acknowledged 09-03 09:00, deadline 09-02 24:00); first rectification late; reopened at follow-up
        // with 40; second rectification on time; resolved 09-25 with 70. Time to resolve = working days 09-02 … 09-25 = 18.
        var c2 = L.Receive(In("C2", "park/a", "ea1", CaseCategory.SlowApproval), "clerk", At(2025, 9, 1, 9));
        c2 = L.Escalate(c2, "system", At(2025, 9, 3, 8));               // ack step 1 (due 09-03), no department yet
        c2 = L.StartVerification(c2, "s", At(2025, 9, 3, 9));
        c2 = L.Substantiate(c2, "s", At(2025, 9, 4, 9));                // verify deadline 09-08: met
        c2 = L.Assign(c2, "s", At(2025, 9, 4, 10), "approval");         // rectify deadline 09-11
        c2 = L.StartRectification(c2, "approval", At(2025, 9, 5, 9));
        c2 = L.Escalate(c2, "system", At(2025, 9, 12, 10));             // rectify step 1 (due 09-12) to approval
        c2 = L.ReportRectification(c2, "approval", At(2025, 9, 15, 10)); // late; step 2 would have been due 09-16
        c2 = L.MarkFollowUpDue(c2, "system", At(2025, 9, 17, 9));
        c2 = L.Reopen(c2, "s", At(2025, 9, 17, 10), "not solved", 40);
        c2 = L.StartRectification(c2, "approval", At(2025, 9, 17, 11)); // new rectify deadline 09-24
        c2 = L.ReportRectification(c2, "approval", At(2025, 9, 23, 10)); // met
        c2 = L.MarkFollowUpDue(c2, "system", At(2025, 9, 25, 9));
        c2 = L.Resolve(c2, "s", At(2025, 9, 25, 10), 70);

        // C3: a clue against a cadre, unfounded on 09-05 (verify deadline 09-05 24:00: met), clarification issued.
        var c3 = L.Receive(In("C3", "park/a", "ea2", CaseCategory.DemandingFavours, "cadre/li"), "clerk", At(2025, 9, 2, 9));
        c3 = L.StartVerification(c3, "s", At(2025, 9, 2, 10));
        c3 = L.MarkUnfounded(c3, "s", At(2025, 9, 5, 10), new ClarificationRecord("cadre/li", "不属实,予以澄清"));

        // C4: substantiated banquet case, rectification deadline 09-17 missed and still open at asOf;
        // steps due 09-18, 09-22, 09-24, 09-26 — all four recorded on 09-26.
        var c4 = L.Receive(In("C4", "park/a", "ea2", CaseCategory.ImproperBanquetsOrGifts), "clerk", At(2025, 9, 8, 9));
        c4 = L.StartVerification(c4, "s", At(2025, 9, 8, 10));
        c4 = L.Substantiate(c4, "s", At(2025, 9, 10, 9));
        c4 = L.Assign(c4, "s", At(2025, 9, 10, 10), "market");
        c4 = L.StartRectification(c4, "market", At(2025, 9, 11, 9));
        c4 = L.Escalate(c4, "system", At(2025, 9, 26, 10));
        return [c1, c2, c3, c4];
    }

    internal static CaseRecord[] ParkBCases()
    {
        // C5: all on time; resolved 09-23 with 50 (resolved, but not satisfied). Time to resolve = 09-16 … 09-23 = 6.
        var c5 = L.Receive(In("C5", "park/b", "eb1", CaseCategory.TooManyInspections), "clerk", At(2025, 9, 15, 9));
        c5 = L.StartVerification(c5, "s", At(2025, 9, 15, 10));
        c5 = L.Substantiate(c5, "s", At(2025, 9, 16, 9));
        c5 = L.Assign(c5, "s", At(2025, 9, 16, 10), "ecology");         // deadline 09-23
        c5 = L.StartRectification(c5, "ecology", At(2025, 9, 17, 9));
        c5 = L.ReportRectification(c5, "ecology", At(2025, 9, 19, 10));
        c5 = L.MarkFollowUpDue(c5, "system", At(2025, 9, 23, 9));
        c5 = L.Resolve(c5, "s", At(2025, 9, 23, 10), 50);

        // C6: received Mon 09-29; ack deadline 09-30 24:00 not passed at asOf: not judged yet.
        var c6 = L.Receive(In("C6", "park/b", "eb1", CaseCategory.Financing), "clerk", At(2025, 9, 29, 9));

        // C7: rectified on time (deadline 09-29 thanks to make-up Sunday 09-28 counting), follow-up due, no verdict yet.
        var c7 = L.Receive(In("C7", "park/b", "eb1", CaseCategory.PolicyNotImplemented), "clerk", At(2025, 9, 22, 9));
        c7 = L.StartVerification(c7, "s", At(2025, 9, 22, 10));
        c7 = L.Substantiate(c7, "s", At(2025, 9, 23, 10));
        c7 = L.Assign(c7, "s", At(2025, 9, 23, 11), "finance");
        c7 = L.StartRectification(c7, "finance", At(2025, 9, 24, 9));
        c7 = L.ReportRectification(c7, "finance", At(2025, 9, 26, 10));
        c7 = L.MarkFollowUpDue(c7, "system", At(2025, 9, 30, 9));
        return [c5, c6, c7];
    }

    internal static KpiInput ParkA() => new()
    {
        AsOf = AsOf,
        Cases = ParkACases(),
        EnterpriseIds = ["ea1", "ea2"],
        Quarters = [Q3],
        Inspections =
        [
            new("x0", "ea1", "ecology", D(2025, 3, 15)),  // Q1: out of scope
            new("a1", "ea1", "ecology", D(2025, 7, 1)),   // ┐
            new("a2", "ea1", "market", D(2025, 7, 10)),   // ├ one joint visit (window 07-01 … 07-31)
            new("a3", "ea1", "fire", D(2025, 7, 15)),     // ┘
            new("a4", "ea1", "ecology", D(2025, 8, 20)),  // second visit
            new("a5", "ea2", "ecology", D(2025, 7, 5)),   // one visit
        ],
        Subsidies =
        [
            new("s1", "ea1", "finance", 100_000m, D(2025, 9, 1), D(2025, 9, 5)),  // grace ends 09-08: on time; delay 4
            new("s2", "ea2", "finance", 50_000m, D(2025, 9, 10)),                  // grace ends 09-17: overdue; delay 15
        ],
        SupervisorVisitsMade = 8,
        SupervisorVisitCapacity = 10,
    };

    internal static KpiInput ParkB() => new()
    {
        AsOf = AsOf,
        Cases = ParkBCases(),
        EnterpriseIds = ["eb1"],
        Quarters = [Q3],
        Inspections =
        [
            new("b1", "eb1", "ecology", D(2025, 7, 1)),  // visit 1 (07-01 … 07-31) with b3
            new("b2", "eb1", "ecology", D(2025, 7, 2)),  // visit 2: ecology again is a repeat, not a merge
            new("b3", "eb1", "market", D(2025, 7, 3)),   // joins visit 1
            new("b4", "eb1", "ecology", D(2025, 8, 1)),  // visit 3 (visit 1's window ended 07-31)
            new("b5", "eb1", "ecology", D(2025, 9, 1)),  // visit 4 → 4 visits > 3: over threshold
        ],
        Subsidies =
        [
            new("s3", "eb1", "finance", 10_000m, D(2025, 9, 25)),                  // grace ends 10-09: not judged; delay 4
            new("s4", "eb1", "finance", 20_000m, D(2025, 9, 1), D(2025, 9, 15)),   // paid late; delay 10
            new("s5", "eb1", "finance", 20_000m, D(2025, 10, 15)),                 // promised in the future: ignored
        ],
        SupervisorVisitsMade = 3,
        SupervisorVisitCapacity = 5,
    };

    private static KpiInput Union(KpiInput a, KpiInput b) => new()
    {
        AsOf = a.AsOf,
        Cases = [.. a.Cases, .. b.Cases],
        EnterpriseIds = [.. a.EnterpriseIds, .. b.EnterpriseIds],
        Quarters = a.Quarters,
        Inspections = [.. a.Inspections, .. b.Inspections],
        Subsidies = [.. a.Subsidies, .. b.Subsidies],
        SupervisorVisitsMade = a.SupervisorVisitsMade + b.SupervisorVisitsMade,
        SupervisorVisitCapacity = a.SupervisorVisitCapacity + b.SupervisorVisitCapacity,
    };

    /// <summary>Caps of 1 case per enterprise so the small set does not saturate the per-enterprise indicators.</summary>
    internal static readonly KpiOptions Options = new()
    {
        CleanPark = new CleanParkIndexOptions { PolicyCasesPerEnterpriseCap = 1, IntegrityCasesPerEnterpriseCap = 1 },
    };

    [Fact]
    public void KPIs_of_the_hand_checked_set()
    {
        var r = KpiCalculator.Compute(Union(ParkA(), ParkB()), P, Cn, Options);
        AssertHandValues(r);
    }

    private static void AssertHandValues(KpiReport r)
    {
        const int precision = 12;
        Assert.Equal(7, r.Cases);
        // Open: C4 (Rectifying), C6 (Received), C7 (FollowUpDue). Open and overdue: C4 only.
        Assert.Equal(3, r.OpenCases);
        Assert.Equal(1, r.OpenOverdueCases);

        // Response: ack clocks decided = C1 met, C2 late, C3, C4, C5, C7 met (C6 not yet due) → 5/6.
        Assert.Equal(5.0 / 6, r.ResponseRate!.Value, precision);
        // Resolution: cases with a follow-up verdict = C1, C2, C5; all three Resolved → 3/3.
        Assert.Equal(1.0, r.ResolutionRate!.Value, precision);
        // Satisfaction: last scores 90 (C1), 70 (C2), 50 (C5); ≥ 60 → 2/3.
        Assert.Equal(2.0 / 3, r.SatisfactionRate!.Value, precision);
        // Time to resolve: 6 (C5), 8 (C1), 18 (C2). Nearest rank: p50 → ⌈1.5⌉ = 2nd = 8; p90 → ⌈2.7⌉ = 3rd = 18.
        Assert.Equal(8, r.TimeToResolveP50);
        Assert.Equal(18, r.TimeToResolveP90);
        // Overdue: decided clocks C1 3, C2 4 (ack late, rectify #1 late), C3 2, C4 3 (rectify running late), C5 3, C7 3
        // = 18; breached 3 → 3/18.
        Assert.Equal(3.0 / 18, r.OverdueRate!.Value, precision);
        // Escalations: C2 ack step 1 + C2 rectify step 1 + C4 steps 1–4.
        Assert.Equal(new EscalationCounts(3, 1, 1, 1), r.Escalations);
        // Reopen: C2 of the 3 cases with a verdict → 1/3.
        Assert.Equal(1.0 / 3, r.ReopenRate!.Value, precision);
        // Enterprise satisfaction: ea1 (90 + 70) / 2 = 80, eb1 50 → (80 + 50) / 2 = 65 (not the case mean 70).
        Assert.Equal(65.0, r.EnterpriseSatisfaction!.Value, precision);

        // Inspections in 2025Q3, joint: ea1 4 inspections → 2 visits, ea2 1 → 1, eb1 5 → 4. 3 enterprise-quarters.
        Assert.Equal(7.0 / 3, r.InspectionsPerEnterpriseQuarter!.Value, precision);
        Assert.Equal(10.0 / 3, r.RawInspectionsPerEnterpriseQuarter!.Value, precision);
        Assert.Equal(1, r.EnterpriseQuartersOverThreshold);

        // Subsidies: decided s1 (on time), s2 (overdue), s4 (late) → 1/3; delays 4, 15, 4, 10 → mean 33/4, p90 ⌈3.6⌉ = 4th = 15.
        Assert.Equal(1.0 / 3, r.SubsidyOnTimeRate!.Value, precision);
        Assert.Equal(8.25, r.SubsidyDelayMean!.Value, precision);
        Assert.Equal(15, r.SubsidyDelayP90);
        Assert.Equal(1, r.SubsidiesOverdue);
        // Supervisors: (8 + 3) / (10 + 5).
        Assert.Equal(11.0 / 15, r.SupervisorUtilisation!.Value, precision);

        // Departments (三评):
        // finance: C1, C7; rectify 2/2; satisfaction {90} → 1/1; no escalation → Excellent.
        // approval: C2; rectify 1/2 = 0.5 < 0.8 → Unqualified (its escalation: the rectify step 1; the ack step had no department).
        // ecology: C5; rectify 1/1; satisfaction {50} → 0/1 < 0.6 → Unqualified.
        // market: C4; rectify 0/1 and an accountability referral → Unqualified.
        Assert.Equal(["approval", "ecology", "finance", "market"], r.Departments.Keys);
        var finance = r.Departments["finance"];
        Assert.Equal((2, 1.0, 1.0, 0.0, DepartmentRating.Excellent), (finance.Cases, finance.RectifyOnTimeRate, finance.SatisfactionRate, finance.ReopenRate, finance.Rating));
        var approval = r.Departments["approval"];
        Assert.Equal((0.5, 1.0, DepartmentRating.Unqualified), (approval.RectifyOnTimeRate, approval.ReopenRate, approval.Rating));
        Assert.Equal(new EscalationCounts(1, 0, 0, 0), approval.Escalations);
        Assert.Equal((0.0, DepartmentRating.Unqualified), (r.Departments["ecology"].SatisfactionRate, r.Departments["ecology"].Rating));
        var market = r.Departments["market"];
        Assert.Equal((0.0, (double?)null, DepartmentRating.Unqualified), (market.RectifyOnTimeRate, market.SatisfactionRate, market.Rating));
        Assert.Equal(new EscalationCounts(1, 1, 1, 1), market.Escalations);

        // Clean-park index (caps 1 per enterprise, 3 enterprises; substantiated: C1 subsidy, C2 approval, C4 banquet, C5 inspections, C7 policy):
        //   SubsidyOnTime 1/3; PolicyDelivery 1 − (C1 + C7 = 2)/3 = 1/3            → 政治清明 = 100 × (1/3 + 1/3)/2      = 100/3
        //   Response 5/6; OnTime 1 − 3/18 = 5/6                                       → 权责清晰 = 100 × 5/6                = 250/3
        //   Satisfaction 2/3; Resolution 1; InspectionRestraint 1 − 1/3 = 2/3          → 政商亲清 = 100 × (2/3 + 1 + 2/3)/3 = 700/9
        //   Integrity (weight 2) 1 − (C4 = 1)/3 = 2/3; NoAccountability 1 − 1/5 = 4/5 → 队伍清正 = 100 × (4/3 + 4/5)/3   = 640/9
        //   index = (300/9 + 750/9 + 700/9 + 640/9) / 4 = 2390/36 ≈ 66.39
        var cp = r.CleanPark;
        Assert.Equal(100.0 / 3, cp.Dimensions[CleanParkDimension.PoliticalClarity]!.Value, precision);
        Assert.Equal(250.0 / 3, cp.Dimensions[CleanParkDimension.ClearResponsibilities]!.Value, precision);
        Assert.Equal(700.0 / 9, cp.Dimensions[CleanParkDimension.CordialAndCleanRelations]!.Value, precision);
        Assert.Equal(640.0 / 9, cp.Dimensions[CleanParkDimension.UprightCadres]!.Value, precision);
        Assert.Equal(2390.0 / 36, cp.Score!.Value, precision);
    }

    [Fact]
    public void Rolling_two_parks_up_equals_the_KPIs_of_their_union()
    {
        var a = KpiCalculator.Tally(ParkA(), P, Cn);
        var b = KpiCalculator.Tally(ParkB(), P, Cn);
        var union = KpiCalculator.Tally(Union(ParkA(), ParkB()), P, Cn);
        var combined = a.Combine(b);

        Assert.Equal(Json(union), Json(combined));
        Assert.Equal(Json(KpiCalculator.Report(union, Options)), Json(KpiCalculator.Report(combined, Options)));
        AssertHandValues(KpiCalculator.Report(combined, Options));
        Assert.Equal(Json(union), Json(KpiTally.Combine([b, KpiTally.Empty, a])));

        // And it is not the average of the parks' ratios: response A = 3/4 (C2 late), B = 2/2; mean 0.875 ≠ 5/6.
        var ra = KpiCalculator.Report(a, Options);
        var rb = KpiCalculator.Report(b, Options);
        Assert.Equal(0.75, ra.ResponseRate);
        Assert.Equal(1.0, rb.ResponseRate);
        Assert.NotEqual((ra.ResponseRate!.Value + rb.ResponseRate!.Value) / 2, KpiCalculator.Report(combined, Options).ResponseRate!.Value, 6);
        // Nor the median of medians: A's times are 8, 18 (p50 8), B's is 6; the union's p50 is 8 from samples {6, 8, 18}.
        Assert.Equal(8, KpiCalculator.Report(combined, Options).TimeToResolveP50);
    }

    /// <summary>
    /// A district combines its parks' tallies in one go (the per-enterprise scores through one builder): the same tally as
    /// combining them one pair at a time, here for 300 parks whose rated enterprises overlap, mixed with case tallies and
    /// empty ones, and in any order.
    /// </summary>
    [Fact]
    public void Combining_many_tallies_at_once_equals_combining_them_pair_by_pair()
    {
        var random = new Random(7);
        var parks = Enumerable.Range(0, 300).Select(p => KpiTally.Empty with
        {
            Cases = random.Next(5),
            Enterprises = 20,
            Response = new Ratio(random.Next(3), 3),
            EnterpriseSatisfaction = Enumerable.Range(0, random.Next(0, 40))
                .Select(_ => $"e-{random.Next(2_000):0000}")
                .Distinct()
                .ToImmutableSortedDictionary(e => e, _ => new ScoreSum(random.Next(101), 1), StringComparer.Ordinal),
        });
        var cases = ParkACases().Concat(ParkBCases()).Select(c => KpiCalculator.Tally(new KpiInput { AsOf = AsOf, Cases = [c] }, P, Cn));
        var tallies = parks.Concat(cases).Append(KpiTally.Empty).ToArray();
        random.Shuffle(tallies);

        var pairwise = tallies.Aggregate(KpiTally.Empty, (a, b) => a.Combine(b));
        var atOnce = KpiTally.Combine(tallies);

        Assert.True(pairwise.EnterpriseSatisfaction.Count > 1_000, $"only {pairwise.EnterpriseSatisfaction.Count} enterprises rated");
        Assert.Equal(Json(pairwise), Json(atOnce));
        Assert.Equal(Json(KpiCalculator.Report(pairwise, Options)), Json(KpiCalculator.Report(atOnce, Options)));
        Assert.Equal(Json(KpiTally.Empty), Json(KpiTally.Combine([])));
    }

    [Fact]
    public void Subtract_is_the_inverse_of_Combine_so_a_running_tally_can_replace_one_contribution()
    {
        var a = KpiCalculator.Tally(ParkA(), P, Cn);
        var b = KpiCalculator.Tally(ParkB(), P, Cn);
        var union = a.Combine(b);

        Assert.Equal(Json(a), Json(union.Subtract(b)));
        Assert.Equal(Json(b), Json(union.Subtract(a)));
        Assert.Equal(Json(KpiTally.Empty), Json(union.Subtract(a).Subtract(b)));
        Assert.Equal(Json(union.Subtract(a).Combine(b)), Json(union.Replace(a, b)));
        Assert.Equal(Json(b.Subtract(b).Combine(a)), Json(b.Replace(b, a)));

        // One case at a time, as a park grain keeps its tally: replace each case's contribution by a later one.
        var cases = ParkACases();
        var running = KpiTally.Empty;
        var early = cases.Select(c => KpiCalculator.Tally(new KpiInput { AsOf = AsOf, Cases = [c] }, P, Cn)).ToArray();
        foreach (var t in early) running = running.Combine(t);
        var later = At(2025, 10, 20, 12);
        foreach (var (c, t) in cases.Zip(early))
            running = running.Replace(t, KpiCalculator.Tally(new KpiInput { AsOf = later, Cases = [c] }, P, Cn));
        Assert.Equal(Json(KpiCalculator.Tally(new KpiInput { AsOf = later, Cases = cases }, P, Cn)), Json(running));

        // Subtracting what is not there is refused.
        Assert.Throws<ArgumentException>(() => a.Subtract(union));
    }

    [Fact]
    public void Replace_equals_subtract_then_combine_for_every_pair_of_contributions()
    {
        // Every case of both parks, tallied at three instants: replace any one contribution in the running tally by any other
        // (same case later, another case, or nothing), the way receivers do, and compare with the two-step form.
        var cases = ParkACases().Concat(ParkBCases()).ToArray();
        Instant[] instants = [AsOf, At(2025, 10, 20, 12), At(2026, 3, 1, 9)];
        var tallies = cases.SelectMany(c => instants.Select(i => KpiCalculator.Tally(new KpiInput { AsOf = i, Cases = [c] }, P, Cn)))
            .Append(KpiTally.Empty).ToArray();
        var running = KpiTally.Combine(tallies);
        foreach (var previous in tallies)
            foreach (var next in tallies)
                Assert.Equal(Json(running.Subtract(previous).Combine(next)), Json(running.Replace(previous, next)));
        Assert.Throws<ArgumentException>(() => tallies[0].Replace(running, tallies[0]));
    }

    [Fact]
    public void A_running_tally_changed_in_place_gives_what_the_immutable_replacements_give()
    {
        // The same contributions as above; a park keeps its tally running in place and must end where Replace ends.
        var cases = ParkACases().Concat(ParkBCases()).ToArray();
        Instant[] instants = [AsOf, At(2025, 10, 20, 12), At(2026, 3, 1, 9)];
        var tallies = cases.SelectMany(c => instants.Select(i => KpiCalculator.Tally(new KpiInput { AsOf = i, Cases = [c] }, P, Cn)))
            .Append(KpiTally.Empty).ToArray();
        var all = KpiTally.Combine(tallies);
        var running = new RunningKpiTally(all);
        Assert.Equal(Json(all), Json(running.ToTally()));
        Assert.Equal(all.Cases, running.Cases);
        AssertEveryReplacementInPlaceMatches(all, tallies, t => t, (r, previous, next) => r.Replace(previous, next));

        // Built up from nothing, one contribution at a time, and emptied again.
        var fromNothing = new RunningKpiTally();
        foreach (var t in tallies) fromNothing.Replace(KpiTally.Empty, t);
        Assert.Equal(Json(all), Json(fromNothing.ToTally()));
        foreach (var t in tallies) fromNothing.Replace(t, KpiTally.Empty);
        Assert.Equal(Json(KpiTally.Empty), Json(fromNothing.ToTally()));

        // Subtracting what is not there is refused, as by the immutable tally, and changes nothing.
        var small = new RunningKpiTally(tallies[0]);
        var before = Json(small.ToTally());
        Assert.Throws<ArgumentException>(() => tallies[0].Replace(all, tallies[0]));
        Assert.Throws<ArgumentException>(() => small.Replace(all, tallies[0]));
        Assert.Equal(before, Json(small.ToTally()));

        // Whole parks (inspections, subsidies, supervisor visits: fields a case's part leaves at zero) go in and out too.
        var a = KpiCalculator.Tally(ParkA(), P, Cn);
        var b = KpiCalculator.Tally(ParkB(), P, Cn);
        var parks = new RunningKpiTally(a);
        Assert.Equal(Json(a), Json(parks.ToTally()));
        parks.Replace(KpiTally.Empty, b);
        Assert.Equal(Json(a.Combine(b)), Json(parks.ToTally()));
        parks.Replace(a, KpiTally.Empty);
        Assert.Equal(Json(b), Json(parks.ToTally()));

        // Each map is checked on its own: a part that holds only a department, or only a category, is refused too.
        var departmentOnly = KpiTally.Empty with
        {
            Departments = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, DepartmentTally>("nowhere", DepartmentTally.Empty with { Cases = 1 })]),
        };
        var categoryOnly = KpiTally.Empty with
        {
            SubstantiatedByCategory = ImmutableSortedDictionary.CreateRange([new KeyValuePair<CaseCategory, int>(CaseCategory.SlowApproval, 1)]),
        };
        var empty = new RunningKpiTally();
        Assert.Throws<ArgumentException>(() => empty.Replace(departmentOnly, KpiTally.Empty));
        Assert.Throws<ArgumentException>(() => empty.Replace(categoryOnly, KpiTally.Empty));
        Assert.Throws<ArgumentException>(() => KpiTally.Empty.Replace(departmentOnly, KpiTally.Empty));
        Assert.Equal(Json(KpiTally.Empty), Json(empty.ToTally()));
    }

    [Fact]
    public void A_running_department_tally_gives_what_subtract_then_combine_gives()
    {
        var cases = ParkACases().Concat(ParkBCases()).ToArray();
        Instant[] instants = [AsOf, At(2025, 10, 20, 12), At(2026, 3, 1, 9)];
        var parts = cases.SelectMany(c => instants.Select(i => KpiCalculator.Tally(new KpiInput { AsOf = i, Cases = [c] }, P, Cn)))
            .SelectMany(t => t.Departments.Values).Append(DepartmentTally.Empty).ToArray();
        Assert.Contains(parts, p => p.Satisfaction.Counts.Count > 0); // the refusal below needs scores to subtract
        var all = parts.Aggregate(DepartmentTally.Empty, (a, b) => a.Combine(b));
        var running = new RunningDepartmentTally(all);
        foreach (var previous in parts)
        {
            foreach (var next in parts)
            {
                running.Replace(previous, next);
                Assert.Equal(all.Subtract(previous).Combine(next), running.ToTally());
                running.Replace(next, previous);
            }
        }

        Assert.Equal(all, running.ToTally());
        var empty = new RunningDepartmentTally();
        Assert.True(empty.IsEmpty);
        Assert.Throws<ArgumentException>(() => empty.Replace(all, DepartmentTally.Empty));
        Assert.True(empty.IsEmpty);
    }

    private static CaseContribution[] Contributions()
    {
        // Every case of both parks at three instants: open, overdue, rated, reopened, resolved, unfounded, escalated.
        var cases = ParkACases().Concat(ParkBCases()).ToArray();
        Instant[] instants = [AsOf, At(2025, 10, 20, 12), At(2026, 3, 1, 9)];
        return cases.SelectMany(c => instants.Select(i => KpiCalculator.Contribution(c, i, Cn))).Append(CaseContribution.None).ToArray();
    }

    [Fact]
    public void A_case_contribution_stands_for_its_one_case_tally_and_is_read_back_from_it()
    {
        var contributions = Contributions();
        // The set has every part a case can have, so each branch below is exercised.
        Assert.Contains(contributions, c => c.Satisfaction is not null && c.TimeToResolve is not null);
        Assert.Contains(contributions, c => c.Substantiated is not null && c.DepartmentId is not null && c.DepartmentEscalations.Total > 0);
        Assert.Contains(contributions, c => c.Unfounded);
        Assert.Contains(contributions, c => c.OpenOverdue);
        foreach (var c in contributions)
        {
            // Added to a running tally, field by field, it gives the tally it stands for (two separate paths).
            var running = new RunningKpiTally();
            running.Replace(CaseContribution.None, c);
            Assert.Equal(Json(c.ToTally()), Json(running.ToTally()));
            Assert.Equal(c, CaseContribution.FromTally(c.ToTally()));
            foreach (var department in contributions.Select(x => x.DepartmentId).OfType<string>().Distinct().Append("nowhere"))
                Assert.Equal(Json(c.ToTally().Departments.GetValueOrDefault(department) ?? DepartmentTally.Empty), Json(c.DepartmentPart(department)));
        }

        // The KPI tally of a set of cases is the sum of their contributions.
        var sum = KpiTally.Combine(ParkACases().Select(c => KpiCalculator.Contribution(c, AsOf, Cn).ToTally()));
        Assert.Equal(Json(KpiCalculator.Tally(new KpiInput { AsOf = AsOf, Cases = ParkACases() }, P, Cn)), Json(sum));

        // A park's tally (several cases, inspections, subsidies) is no case's contribution.
        var park = KpiCalculator.Tally(ParkA(), P, Cn);
        var refusal = Assert.Throws<ArgumentException>(() => CaseContribution.FromTally(park));
        Assert.Contains($"it holds {park.Cases} cases", refusal.Message);
        Assert.Throws<ArgumentException>(() => CaseContribution.FromTally(KpiTally.Empty with { Inspections = 1 }));
        Assert.Same(CaseContribution.None, CaseContribution.FromTally(KpiTally.Empty));
    }

    /// <summary>In a running tally of <paramref name="all"/>, replacing any part by any other (then back) gives what the
    /// immutable <see cref="KpiTally.Replace"/> of their tallies gives, and it ends where it began.</summary>
    private static void AssertEveryReplacementInPlaceMatches<TPart>(KpiTally all, TPart[] parts, Func<TPart, KpiTally> toTally,
        Action<RunningKpiTally, TPart, TPart> replace)
    {
        var running = new RunningKpiTally(all);
        foreach (var previous in parts)
        {
            foreach (var next in parts)
            {
                replace(running, previous, next);
                Assert.Equal(Json(all.Replace(toTally(previous), toTally(next))), Json(running.ToTally()));
                replace(running, next, previous);
            }
        }

        Assert.Equal(Json(all), Json(running.ToTally()));
    }

    [Fact]
    public void Replacing_case_contributions_in_place_gives_what_replacing_their_tallies_gives()
    {
        var contributions = Contributions();
        AssertEveryReplacementInPlaceMatches(KpiTally.Combine(contributions.Select(c => c.ToTally())), contributions, c => c.ToTally(),
            (running, previous, next) => running.Replace(previous, next));

        // Each department's running tally takes its own part of every pair, and nothing of another department's.
        foreach (var department in contributions.Select(c => c.DepartmentId).OfType<string>().Distinct())
        {
            var parts = contributions.Select(c => c.DepartmentPart(department)).ToArray();
            var whole = parts.Aggregate(DepartmentTally.Empty, (a, b) => a.Combine(b));
            var desk = new RunningDepartmentTally(whole);
            foreach (var previous in contributions)
            {
                foreach (var next in contributions)
                {
                    desk.Replace(previous, next, department);
                    Assert.Equal(Json(whole.Subtract(previous.DepartmentPart(department)).Combine(next.DepartmentPart(department))), Json(desk.ToTally()));
                    desk.Replace(next, previous, department);
                }
            }

            Assert.Equal(Json(whole), Json(desk.ToTally()));
        }

        // Subtracting a part the tally does not hold (a score, a category, a department) is refused and changes nothing.
        var rated = contributions.First(c => c.Satisfaction is not null && c.DepartmentId is not null && c.Substantiated is not null);
        var empty = new RunningKpiTally();
        Assert.Throws<ArgumentException>(() => empty.Replace(rated, CaseContribution.None));
        Assert.Throws<ArgumentException>(() => empty.Replace(rated with { Satisfaction = null, DepartmentId = null }, CaseContribution.None));
        Assert.Throws<ArgumentException>(() => empty.Replace(rated with { Satisfaction = null, Substantiated = null }, CaseContribution.None));
        Assert.Equal(Json(KpiTally.Empty), Json(empty.ToTally()));
        // A score the district holds, but not in the department the part names.
        var holder = new RunningKpiTally();
        holder.Replace(CaseContribution.None, rated);
        holder.Replace(CaseContribution.None, rated with { Satisfaction = rated.Satisfaction + 1, DepartmentId = null });
        var held = Json(holder.ToTally());
        Assert.Throws<ArgumentException>(() => holder.Replace(rated with { Satisfaction = rated.Satisfaction + 1 }, CaseContribution.None));
        Assert.Equal(held, Json(holder.ToTally()));
        var emptyDesk = new RunningDepartmentTally();
        Assert.Throws<ArgumentException>(() => emptyDesk.Replace(rated, CaseContribution.None, rated.DepartmentId!));
        Assert.True(emptyDesk.IsEmpty);
    }

    [Fact]
    public void Replacing_enterprise_contributions_in_place_gives_what_replacing_their_tallies_gives()
    {
        EnterpriseContribution[] parts =
        [
            EnterpriseContribution.None,
            new() { Inspections = 3, InspectionVisits = 2 },
            new() { Inspections = 5, InspectionVisits = 4, EnterpriseQuartersOverThreshold = 1 },
            new() { Inspections = 1, InspectionVisits = 1, SubsidyOnTime = new Ratio(1, 2), SubsidyDelay = Histogram.Of([0, 7]) },
            new() { SubsidyOnTime = new Ratio(0, 1), SubsidyDelay = Histogram.Of([7]) },
        ];
        AssertEveryReplacementInPlaceMatches(KpiTally.Combine(parts.Select(p => p.ToTally()).Append(KpiCalculator.Tally(ParkA(), P, Cn))), parts,
            p => p.ToTally(), (running, previous, next) => running.Replace(previous, next));

        // A delay the tally does not hold is refused before anything changes.
        var empty = new RunningKpiTally();
        Assert.Throws<ArgumentException>(() => empty.Replace(parts[3], EnterpriseContribution.None));
        Assert.Equal(Json(KpiTally.Empty), Json(empty.ToTally()));
    }

    [Fact]
    public void A_tally_read_back_from_JSON_keeps_ordinal_key_order()
    {
        var t = KpiTally.Empty with
        {
            Departments = ImmutableSortedDictionary.CreateRange(Comparer<string>.Create((x, y) => -string.CompareOrdinal(x, y)),
                [new KeyValuePair<string, DepartmentTally>("a-b", DepartmentTally.Empty with { Cases = 1 }), new("ab", DepartmentTally.Empty with { Cases = 2 })]),
        };
        Assert.Equal(["a-b", "ab"], t.Departments.Keys);
        var back = JsonSerializer.Deserialize<KpiTally>(Json(t), ParkGrid.Runtime.Json.ParkGridJson.Options)!;
        Assert.Equal(["a-b", "ab"], back.Departments.Keys);
        Assert.Equal(Json(t), Json(back.Combine(KpiTally.Empty)));
    }

    [Fact]
    public void Department_rating_thresholds()
    {
        static DepartmentTally Dept(long onTime, long decided, int satisfied, int dissatisfied, EscalationCounts escalations = default) =>
            new(1, new Ratio(onTime, decided), Histogram.Empty.Add(100, satisfied).Add(30, dissatisfied), default, escalations);

        Assert.Equal(DepartmentRating.NotRated, KpiCalculator.Rate("d", DepartmentTally.Empty).Rating);
        Assert.Equal(DepartmentRating.Excellent, KpiCalculator.Rate("d", Dept(19, 20, 9, 1)).Rating);   // 0.95, 0.90: both at the bar
        Assert.Equal(DepartmentRating.Qualified, KpiCalculator.Rate("d", Dept(18, 20, 9, 1)).Rating);   // 0.90 on time
        Assert.Equal(DepartmentRating.Qualified, KpiCalculator.Rate("d", Dept(20, 20, 10, 0, new EscalationCounts(0, 0, 1, 0))).Rating); // an interview
        Assert.Equal(DepartmentRating.Qualified, KpiCalculator.Rate("d", Dept(16, 20, 6, 4)).Rating);   // 0.80 and 0.60: just qualified
        Assert.Equal(DepartmentRating.Unqualified, KpiCalculator.Rate("d", Dept(15, 20, 10, 0)).Rating); // 0.75 on time
        Assert.Equal(DepartmentRating.Unqualified, KpiCalculator.Rate("d", Dept(20, 20, 5, 5)).Rating); // 0.50 satisfied
        Assert.Equal(DepartmentRating.Unqualified, KpiCalculator.Rate("d", Dept(20, 20, 10, 0, new EscalationCounts(0, 0, 0, 1))).Rating);
    }

    [Fact]
    public void Clean_park_weights_are_configurable()
    {
        var tally = KpiCalculator.Tally(Union(ParkA(), ParkB()), P, Cn);
        // All weight on 权责清晰 → the index is that dimension's score, 250/3.
        var only = Options with
        {
            CleanPark = Options.CleanPark with
            {
                DimensionWeights = ImmutableDictionary<CleanParkDimension, double>.Empty.Add(CleanParkDimension.ClearResponsibilities, 1),
            },
        };
        Assert.Equal(250.0 / 3, KpiCalculator.Report(tally, only).CleanPark.Score!.Value, 12);
        var bad = Options with { CleanPark = Options.CleanPark with { IndicatorWeights = Options.CleanPark.IndicatorWeights.SetItem(CleanParkIndicator.Response, -1) } };
        var e = Assert.Throws<ArgumentException>(() => KpiCalculator.Report(tally, bad));
        Assert.Contains("indicatorWeights.Response", e.Message);
    }

    [Fact]
    public void Empty_input_gives_no_data_rather_than_zero()
    {
        var r = KpiCalculator.Compute(new KpiInput { AsOf = AsOf }, P, Cn);
        Assert.Null(r.ResponseRate);
        Assert.Null(r.TimeToResolveP50);
        Assert.Null(r.CleanPark.Score);
        Assert.Empty(r.Departments);
    }

    [Fact]
    public void Histogram_percentiles_are_nearest_rank()
    {
        var h = Histogram.Of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        Assert.Equal(5, h.Percentile(0.5));
        Assert.Equal(9, h.Percentile(0.9));
        Assert.Equal(10, h.Percentile(1));
        Assert.Equal(2, Histogram.Of([1, 2, 3, 4]).Percentile(0.5));
        Assert.Equal(Histogram.Of([3, 1, 2]), Histogram.Of([1]).Merge(Histogram.Of([2, 3])));
        Assert.Null(Histogram.Empty.Percentile(0.5));
    }

    private static string Json<TValue>(TValue value) => JsonSerializer.Serialize(value, ParkGrid.Runtime.Json.ParkGridJson.Options);
}
