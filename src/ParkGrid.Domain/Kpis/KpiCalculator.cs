using System.Collections.Immutable;
using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;

namespace ParkGrid.Domain.Kpis;

/// <summary>What KPIs are computed over: the records of one park (or any set), as they stand at <see cref="AsOf"/>.</summary>
public sealed record KpiInput
{
    /// <summary>The instant the records are judged at (running clocks past their deadline count as breached).</summary>
    public required Instant AsOf { get; init; }

    public IReadOnlyList<CaseRecord> Cases { get; init; } = [];

    public IReadOnlyList<Inspection> Inspections { get; init; } = [];

    public IReadOnlyList<SubsidyPromise> Subsidies { get; init; } = [];

    /// <summary>The enterprises in scope (denominator of per-enterprise rates).</summary>
    public IReadOnlyList<string> EnterpriseIds { get; init; } = [];

    /// <summary>The quarters in scope for the inspection KPIs; inspections whose visit is in another quarter are ignored.</summary>
    public IReadOnlyList<Quarter> Quarters { get; init; } = [];

    public int SupervisorVisitsMade { get; init; }

    public int SupervisorVisitCapacity { get; init; }
}

/// <summary>
/// KPI computations: <see cref="Tally"/> reduces records to additive counts; <see cref="Report"/> turns a tally (of a
/// park, or of a district combined from its parks' tallies) into rates, percentiles, ratings and the clean-park index.
/// </summary>
public static class KpiCalculator
{
    private static readonly CaseCategory[] PolicyCategories =
        [CaseCategory.PolicyNotImplemented, CaseCategory.NewOfficialsIgnoreOldCommitments, CaseCategory.SubsidyNotPaidOnTime];

    private static readonly CaseCategory[] IntegrityCategories =
        [CaseCategory.DemandingFavours, CaseCategory.ImproperBanquetsOrGifts];

    /// <summary>The KPIs of <paramref name="input"/> (Tally then Report).</summary>
    public static KpiReport Compute(KpiInput input, Policy policy, WorkingDayCalendar calendar, KpiOptions? options = null) =>
        Report(Tally(input, policy, calendar), options);

    /// <summary>Reduces the records to additive counts (see the definitions on <see cref="KpiTally"/>).</summary>
    public static KpiTally Tally(KpiInput input, Policy policy, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(calendar);
        var asOf = input.AsOf;
        var today = ChinaTime.DateOf(asOf);

        // The cases: the sum of their contributions, each defined once (Contribution), as receivers add them up.
        var cases = new RunningKpiTally();
        foreach (var c in input.Cases) cases.Replace(CaseContribution.None, Contribution(c, asOf, calendar));
        var tally = cases.ToTally();

        // Inspections: visits under the policy, in the quarters in scope, for the enterprises in scope.
        var quarters = input.Quarters.Count == 0 ? null : input.Quarters.ToHashSet();
        var enterprises = input.EnterpriseIds.Count == 0 ? null : input.EnterpriseIds.ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<InspectionBurden> burden = input.Inspections.Count == 0 || quarters is null || enterprises is null ? []
            : InspectionBurdenMonitor.Burden(input.Inspections.Where(i => enterprises.Contains(i.EnterpriseId)), policy)
                .Where(b => quarters.Contains(b.Quarter))
                .ToArray();
        int inspections = 0, visits = 0, overThreshold = 0;
        foreach (var b in burden)
        {
            inspections += b.Inspections;
            visits += b.Visits;
            if (b.OverThreshold) overThreshold++;
        }

        // Subsidies.
        Ratio subsidyOnTime = default;
        var subsidyDelay = Histogram.Empty;
        foreach (var s in input.Subsidies)
        {
            if (s.PromisedOn > today) continue;
            var graceEnds = SubsidyMonitor.GraceEnds(s, policy, calendar);
            var paidBy = s.PaidOn is { } paid && paid <= today ? paid : (LocalDate?)null;
            if (paidBy is not null || today > graceEnds)
                subsidyOnTime = subsidyOnTime.Add(paidBy is { } p && p <= graceEnds);
            subsidyDelay = subsidyDelay.Add(SubsidyMonitor.DelayWorkingDays(s, today, calendar));
        }

        return tally with
        {
            Enterprises = enterprises?.Count ?? 0,
            Inspections = inspections,
            InspectionVisits = visits,
            EnterpriseQuarters = (enterprises?.Count ?? 0) * (quarters?.Count ?? 0),
            EnterpriseQuartersOverThreshold = overThreshold,
            SubsidyOnTime = subsidyOnTime,
            SubsidyDelay = subsidyDelay,
            SubsidiesOverdue = input.Subsidies.Count == 0 ? 0 : SubsidyMonitor.Overdue(input.Subsidies, today, policy, calendar).Count,
            SupervisorUtilisation = new Ratio(input.SupervisorVisitsMade, input.SupervisorVisitCapacity),
        };
    }

    /// <summary>
    /// One case's part of a tally at <paramref name="asOf"/> (see the definitions on <see cref="KpiTally"/>). A case
    /// reports it to its receivers on every change; between two changes it only changes at a clock's deadline.
    /// </summary>
    public static CaseContribution Contribution(CaseRecord c, Instant asOf, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(calendar);
        var closed = c.IsClosed;
        var openOverdue = !closed && c.ActiveClock is { } active && active.Clock.IsBreachedAt(asOf);

        // Response: the acknowledgment clock, once decided.
        var response = default(Ratio);
        if (c.LatestClock(SlaKind.Acknowledge)?.Clock is { } ack && Decided(ack, asOf)) response = response.Add(ack.Met);

        // Overdue rate: every decided clock. Rectification on time: the department's decided rectification clocks.
        Ratio clockOverdue = default, rectify = default;
        foreach (var k in c.Clocks)
        {
            if (!Decided(k.Clock, asOf)) continue;
            clockOverdue = clockOverdue.Add(k.Clock.IsBreachedAt(asOf));
            if (k.Kind == SlaKind.Rectify) rectify = rectify.Add(k.Clock.Met);
        }

        // A follow-up verdict rates the case; resolved or reopened without one cannot happen through CaseLifecycle, and is
        // counted defensively (without a score).
        var hasVerdict = c.FollowUps.Length > 0;
        Ratio resolution = default, reopen = default;
        if (hasVerdict || c.Status == CaseStatus.Resolved || c.ReopenCount > 0)
        {
            resolution = resolution.Add(c.Status == CaseStatus.Resolved);
            reopen = reopen.Add(c.ReopenCount > 0);
        }

        int? timeToResolve = c.Status == CaseStatus.Resolved && c.ResolvedAt is { } resolvedAt
            ? calendar.WorkingDaysBetween(ChinaTime.DateOf(c.ReceivedAt), ChinaTime.DateOf(resolvedAt))
            : null;

        EscalationCounts escalations = default, departmentEscalations = default;
        var referred = false;
        foreach (var e in c.Escalations)
        {
            escalations = escalations.Add(e.Step);
            referred |= e.Step == EscalationStep.AccountabilityReferral;
            if (c.DepartmentId is { } department && e.DepartmentId == department) departmentEscalations = departmentEscalations.Add(e.Step);
        }

        return new CaseContribution
        {
            Received = true,
            Open = !closed,
            OpenOverdue = openOverdue,
            Response = response,
            Resolution = resolution,
            Reopen = reopen,
            Satisfaction = hasVerdict ? c.Satisfaction!.Value : null,
            EnterpriseId = hasVerdict ? c.EnterpriseId : null,
            TimeToResolve = timeToResolve,
            ClockOverdue = clockOverdue,
            Escalations = escalations,
            Substantiated = HasAction(c, CaseAction.Substantiate) ? c.Category : null,
            Unfounded = c.Status == CaseStatus.Unfounded,
            Accountability = referred,
            DepartmentId = c.DepartmentId,
            RectifyOnTime = c.DepartmentId is null ? default : rectify,
            DepartmentEscalations = departmentEscalations,
        };
    }

    private static bool HasAction(CaseRecord c, CaseAction action)
    {
        foreach (var e in c.History)
            if (e.Action == action) return true;
        return false;
    }

    /// <summary>Turns a tally into KPIs.</summary>
    public static KpiReport Report(KpiTally tally, KpiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tally);
        options ??= KpiOptions.Default;
        var satisfactionRate = SatisfactionRate(tally.Satisfaction, options.SatisfiedScore);
        var enterpriseMeans = tally.EnterpriseSatisfaction.Values.Select(s => s.Mean).OfType<double>().ToArray();

        var report = new KpiReport
        {
            Cases = tally.Cases,
            OpenCases = tally.OpenCases,
            OpenOverdueCases = tally.OpenOverdueCases,
            ResponseRate = tally.Response.Value,
            ResolutionRate = tally.Resolution.Value,
            SatisfactionRate = satisfactionRate,
            TimeToResolveP50 = tally.TimeToResolve.Percentile(0.5),
            TimeToResolveP90 = tally.TimeToResolve.Percentile(0.9),
            OverdueRate = tally.ClockOverdue.Value,
            Escalations = tally.Escalations,
            InspectionsPerEnterpriseQuarter = new Ratio(tally.InspectionVisits, tally.EnterpriseQuarters).Value,
            RawInspectionsPerEnterpriseQuarter = new Ratio(tally.Inspections, tally.EnterpriseQuarters).Value,
            EnterpriseQuartersOverThreshold = tally.EnterpriseQuartersOverThreshold,
            SubsidyOnTimeRate = tally.SubsidyOnTime.Value,
            SubsidyDelayMean = tally.SubsidyDelay.Mean,
            SubsidyDelayP90 = tally.SubsidyDelay.Percentile(0.9),
            SubsidiesOverdue = tally.SubsidiesOverdue,
            ReopenRate = tally.Reopen.Value,
            SupervisorUtilisation = tally.SupervisorUtilisation.Value,
            EnterpriseSatisfaction = enterpriseMeans.Length == 0 ? null : enterpriseMeans.Average(),
            Departments = tally.Departments.ToImmutableSortedDictionary(
                kv => kv.Key,
                kv => Rate(kv.Key, kv.Value, options),
                StringComparer.Ordinal),
        };
        return report with { CleanPark = CleanPark(tally, report, options.CleanPark) };
    }

    /// <summary>Rates one department (三评) by the thresholds of <see cref="DepartmentRatingOptions"/>.</summary>
    public static DepartmentKpi Rate(string departmentId, DepartmentTally tally, KpiOptions? options = null)
    {
        options ??= KpiOptions.Default;
        var t = options.DepartmentRating;
        var onTime = tally.RectifyOnTime.Value;
        var satisfaction = SatisfactionRate(tally.Satisfaction, options.SatisfiedScore);
        DepartmentRating rating;
        if (onTime is null && satisfaction is null)
            rating = DepartmentRating.NotRated;
        else if (onTime < t.UnqualifiedOnTimeBelow || satisfaction < t.UnqualifiedSatisfactionBelow || tally.Escalations.AccountabilityReferrals > 0)
            rating = DepartmentRating.Unqualified;
        else if ((onTime ?? 1) >= t.ExcellentOnTimeAtLeast && (satisfaction ?? 1) >= t.ExcellentSatisfactionAtLeast
                 && tally.Escalations.Interviews == 0 && tally.Escalations.AccountabilityReferrals == 0)
            rating = DepartmentRating.Excellent;
        else
            rating = DepartmentRating.Qualified;
        return new DepartmentKpi(departmentId, tally.Cases, onTime, satisfaction, tally.Reopen.Value, tally.Escalations, rating);
    }

    /// <summary>The clean-park index by the formula on <see cref="CleanParkIndexOptions"/>.</summary>
    public static CleanParkIndex CleanPark(KpiTally tally, KpiReport report, CleanParkIndexOptions? options = null)
    {
        options = (options ?? new CleanParkIndexOptions()).EnsureValid();
        double? PerEnterprise(IEnumerable<CaseCategory> categories, double cap)
        {
            if (tally.Enterprises == 0) return null;
            var cases = categories.Sum(k => tally.SubstantiatedByCategory.TryGetValue(k, out var n) ? n : 0);
            return 1 - Math.Min(1, cases / (double)tally.Enterprises / cap);
        }

        var indicators = new Dictionary<CleanParkIndicator, double?>
        {
            [CleanParkIndicator.SubsidyOnTime] = report.SubsidyOnTimeRate,
            [CleanParkIndicator.PolicyDelivery] = PerEnterprise(PolicyCategories, options.PolicyCasesPerEnterpriseCap),
            [CleanParkIndicator.Response] = report.ResponseRate,
            [CleanParkIndicator.OnTime] = 1 - report.OverdueRate,
            [CleanParkIndicator.Satisfaction] = report.SatisfactionRate,
            [CleanParkIndicator.Resolution] = report.ResolutionRate,
            [CleanParkIndicator.InspectionRestraint] = 1 - new Ratio(tally.EnterpriseQuartersOverThreshold, tally.EnterpriseQuarters).Value,
            [CleanParkIndicator.Integrity] = PerEnterprise(IntegrityCategories, options.IntegrityCasesPerEnterpriseCap),
            [CleanParkIndicator.NoAccountability] = 1 - new Ratio(tally.AccountabilityCases, tally.SubstantiatedCases).Value,
        };

        var dimensions = new Dictionary<CleanParkDimension, double?>();
        foreach (var dimension in Enum.GetValues<CleanParkDimension>())
        {
            double weighted = 0, weights = 0;
            foreach (var (indicator, value) in indicators)
            {
                if (CleanParkIndexOptions.DimensionOf(indicator) != dimension || value is not { } x) continue;
                var w = options.IndicatorWeights.TryGetValue(indicator, out var iw) ? iw : 0;
                weighted += w * x;
                weights += w;
            }

            dimensions[dimension] = weights > 0 ? 100 * weighted / weights : null;
        }

        double total = 0, totalWeight = 0;
        foreach (var (dimension, score) in dimensions)
        {
            if (score is not { } s) continue;
            var w = options.DimensionWeights.TryGetValue(dimension, out var dw) ? dw : 0;
            total += w * s;
            totalWeight += w;
        }

        return new CleanParkIndex(totalWeight > 0 ? total / totalWeight : null, dimensions, indicators);
    }

    private static double? SatisfactionRate(Histogram scores, int satisfiedScore) =>
        new Ratio(scores.CountAtLeast(satisfiedScore), scores.Count).Value;

    /// <summary>A clock is decided at asOf once it is stopped or breached; a running clock within its deadline is not judged yet.</summary>
    private static bool Decided(Sla.SlaClock clock, Instant asOf) => clock.IsStopped || clock.IsBreachedAt(asOf);
}
