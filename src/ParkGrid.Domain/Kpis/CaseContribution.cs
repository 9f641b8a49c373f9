using System.Collections.Immutable;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Domain.Kpis;

/// <summary>
/// One case's part of a KPI tally, judged at an instant (<see cref="KpiCalculator.Contribution"/>): what
/// <see cref="KpiCalculator.Tally"/> counts for that case alone, as one small object. A case reports its part to its
/// receivers on every change and keeps the last one it reported for as long as it lives, so this replaces a whole
/// <see cref="KpiTally"/> per case, with the maps and histograms a one-case tally needed (a national simulation keeps
/// hundreds of thousands of them). <see cref="ToTally"/> gives the equivalent tally.
/// </summary>
public sealed record CaseContribution
{
    /// <summary>No case: contributes nothing (what a receiver holds for a case before its first report).</summary>
    public static CaseContribution None { get; } = new();

    /// <summary>A case: counts once in <see cref="KpiTally.Cases"/> (false only for <see cref="None"/>).</summary>
    public bool Received { get; init; }

    public bool Open { get; init; }

    /// <summary>Open, and its active clock is breached.</summary>
    public bool OpenOverdue { get; init; }

    public Ratio Response { get; init; }
    public Ratio Resolution { get; init; }
    public Ratio Reopen { get; init; }

    /// <summary>The last follow-up score, when the case has a follow-up verdict (it then counts for its enterprise and
    /// department too).</summary>
    public int? Satisfaction { get; init; }

    /// <summary>The case's enterprise when the case has a score: whose satisfaction <see cref="Satisfaction"/> counts for.</summary>
    public string? EnterpriseId { get; init; }

    /// <summary>Working days from receipt to (last) resolution, when Resolved.</summary>
    public int? TimeToResolve { get; init; }

    public Ratio ClockOverdue { get; init; }
    public EscalationCounts Escalations { get; init; }

    /// <summary>The category, when the case was ever substantiated.</summary>
    public CaseCategory? Substantiated { get; init; }

    public bool Unfounded { get; init; }

    /// <summary>Reached step 4 (accountability referral).</summary>
    public bool Accountability { get; init; }

    /// <summary>The department the case is assigned to: its part is counted there (the fields below and the score).</summary>
    public string? DepartmentId { get; init; }

    public Ratio RectifyOnTime { get; init; }

    /// <summary>Escalation steps addressed to <see cref="DepartmentId"/>.</summary>
    public EscalationCounts DepartmentEscalations { get; init; }

    /// <summary>The department's part: <see cref="DepartmentTally.Empty"/> for a department other than <paramref name="departmentId"/>.</summary>
    public DepartmentTally DepartmentPart(string departmentId) =>
        DepartmentId != departmentId ? DepartmentTally.Empty : new DepartmentTally(
            1,
            RectifyOnTime,
            Satisfaction is { } score ? Histogram.Empty.Add(score) : Histogram.Empty,
            Satisfaction is null ? default : Reopen,
            DepartmentEscalations);

    /// <summary>The one-case tally this stands for.</summary>
    public KpiTally ToTally()
    {
        if (!Received) return KpiTally.Empty;
        return KpiTally.Empty with
        {
            Cases = 1,
            OpenCases = Open ? 1 : 0,
            OpenOverdueCases = OpenOverdue ? 1 : 0,
            Response = Response,
            Resolution = Resolution,
            Reopen = Reopen,
            Satisfaction = Satisfaction is { } s ? Histogram.Empty.Add(s) : Histogram.Empty,
            EnterpriseSatisfaction = Satisfaction is { } score && EnterpriseId is { } enterprise
                ? ImmutableSortedDictionary<string, ScoreSum>.Empty.Add(enterprise, default(ScoreSum).Add(score))
                : ImmutableSortedDictionary<string, ScoreSum>.Empty,
            TimeToResolve = TimeToResolve is { } days ? Histogram.Empty.Add(days) : Histogram.Empty,
            ClockOverdue = ClockOverdue,
            Escalations = Escalations,
            SubstantiatedCases = Substantiated is null ? 0 : 1,
            UnfoundedCases = Unfounded ? 1 : 0,
            SubstantiatedByCategory = Substantiated is { } category
                ? ImmutableSortedDictionary<CaseCategory, int>.Empty.Add(category, 1)
                : ImmutableSortedDictionary<CaseCategory, int>.Empty,
            AccountabilityCases = Accountability ? 1 : 0,
            Departments = DepartmentId is { } department
                ? ImmutableSortedDictionary<string, DepartmentTally>.Empty.Add(department, DepartmentPart(department))
                : ImmutableSortedDictionary<string, DepartmentTally>.Empty,
        };
    }

    /// <summary>
    /// The contribution a one-case tally stands for: the inverse of <see cref="ToTally"/>. Case states stored before
    /// contributions had their own shape hold their part as such a tally; they are read back through this.
    /// </summary>
    /// <exception cref="ArgumentException">The tally is not one case's (more than one case, or parts a case has not).</exception>
    public static CaseContribution FromTally(KpiTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var department = tally.Departments.Values.FirstOrDefault();
        var contribution = tally.Cases == 0 ? None : new CaseContribution
        {
            Received = true,
            Open = tally.OpenCases == 1,
            OpenOverdue = tally.OpenOverdueCases == 1,
            Response = tally.Response,
            Resolution = tally.Resolution,
            Reopen = tally.Reopen,
            Satisfaction = Single(tally.Satisfaction),
            EnterpriseId = tally.EnterpriseSatisfaction.Keys.FirstOrDefault(),
            TimeToResolve = Single(tally.TimeToResolve),
            ClockOverdue = tally.ClockOverdue,
            Escalations = tally.Escalations,
            Substantiated = tally.SubstantiatedByCategory.IsEmpty ? null : tally.SubstantiatedByCategory.Keys.First(),
            Unfounded = tally.UnfoundedCases == 1,
            Accountability = tally.AccountabilityCases == 1,
            DepartmentId = tally.Departments.Keys.FirstOrDefault(),
            RectifyOnTime = department?.RectifyOnTime ?? default,
            DepartmentEscalations = department?.Escalations ?? default,
        };
        // A tally of several cases, or with parts no case has (inspections, subsidies, enterprises), is not one case's part.
        if (!tally.IsExactly(contribution.ToTally()))
            throw new ArgumentException($"The tally is not one case's contribution: it holds {tally.Cases} cases, {tally.Departments.Count} departments, " +
                                        $"{tally.Inspections} inspections and {tally.SubsidyOnTime.Denominator} decided subsidies.", nameof(tally));
        return contribution;
    }

    private static int? Single(Histogram h) => h.Counts.IsEmpty ? null : h.Counts.Keys.First();
}
