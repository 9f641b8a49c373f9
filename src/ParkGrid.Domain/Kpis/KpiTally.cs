using System.Collections.Immutable;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Domain.Kpis;

/// <summary>A department's additive KPI counts.</summary>
/// <param name="Cases">Cases currently assigned to the department.</param>
/// <param name="RectifyOnTime">Rectification clocks met / rectification clocks decided (stopped, or breached at asOf).</param>
/// <param name="Satisfaction">The last follow-up score of each of its rated cases.</param>
/// <param name="Reopen">Its cases reopened at least once / its cases with a follow-up verdict.</param>
/// <param name="Escalations">Escalation steps addressed to it.</param>
public sealed record DepartmentTally(int Cases, Ratio RectifyOnTime, Histogram Satisfaction, Ratio Reopen, EscalationCounts Escalations)
{
    public static DepartmentTally Empty { get; } = new(0, default, Histogram.Empty, default, default);

    public DepartmentTally Combine(DepartmentTally other) => new(
        Cases + other.Cases, RectifyOnTime + other.RectifyOnTime, Satisfaction.Merge(other.Satisfaction), Reopen + other.Reopen, Escalations + other.Escalations);

    /// <summary>The tally without <paramref name="other"/>'s records (which must be part of this one).</summary>
    public DepartmentTally Subtract(DepartmentTally other) => new(
        Cases - other.Cases, RectifyOnTime - other.RectifyOnTime, Satisfaction.Subtract(other.Satisfaction), Reopen - other.Reopen, Escalations - other.Escalations);

    /// <summary>No records at all (equal to <see cref="Empty"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Cases == 0 && RectifyOnTime == default && Satisfaction.Counts.Count == 0 && Reopen == default && Escalations == default;
}

/// <summary>
/// The additive raw material of every KPI of a set of cases, inspections and subsidies judged at one instant: only
/// numerators, denominators, exact histograms and per-key sums. Tallies of parks combine with <see cref="Combine(KpiTally)"/>
/// into exactly the tally of the union of their records (given disjoint enterprises and the same asOf, policy and
/// quarters), so a district's KPIs are computed from the combined tally, never by averaging the parks' ratios.
/// Built by <see cref="KpiCalculator.Tally"/>; turned into rates by <see cref="KpiCalculator.Report"/>.
/// </summary>
public sealed record KpiTally
{
    // Shared empty maps: a new tally is built for every report, and Create with a comparer allocates a new empty map each time.
    // Declared before Empty: static initialisers run in text order.
    private static readonly ImmutableSortedDictionary<string, ScoreSum> s_noScores = ImmutableSortedDictionary.Create<string, ScoreSum>(StringComparer.Ordinal);
    private static readonly ImmutableSortedDictionary<string, DepartmentTally> s_noDepartments = ImmutableSortedDictionary.Create<string, DepartmentTally>(StringComparer.Ordinal);

    public static KpiTally Empty { get; } = new();

    /// <summary>Cases received.</summary>
    public int Cases { get; init; }

    /// <summary>Cases not closed.</summary>
    public int OpenCases { get; init; }

    /// <summary>Open cases whose active clock is breached at asOf.</summary>
    public int OpenOverdueCases { get; init; }

    /// <summary>响应率: acknowledgment clocks met / acknowledgment clocks decided (stopped, or breached at asOf).</summary>
    public Ratio Response { get; init; }

    /// <summary>解决率: cases Resolved / cases with at least one follow-up verdict (resolved or reopened at a follow-up).</summary>
    public Ratio Resolution { get; init; }

    /// <summary>Cases reopened at least once / cases with at least one follow-up verdict.</summary>
    public Ratio Reopen { get; init; }

    /// <summary>The last follow-up score (0–100) of every rated case.</summary>
    public Histogram Satisfaction { get; init; } = Histogram.Empty;

    /// <summary>Per enterprise: sum and count of the last follow-up scores of its rated cases. Keys are kept in ordinal
    /// order whatever comparer a deserialiser supplies, so a tally read back from storage combines and prints like the original.</summary>
    public ImmutableSortedDictionary<string, ScoreSum> EnterpriseSatisfaction
    {
        get => _enterpriseSatisfaction;
        init => _enterpriseSatisfaction = value.WithComparers(StringComparer.Ordinal);
    }

    private readonly ImmutableSortedDictionary<string, ScoreSum> _enterpriseSatisfaction = s_noScores;

    /// <summary>Working days from receipt to (last) resolution of every Resolved case.</summary>
    public Histogram TimeToResolve { get; init; } = Histogram.Empty;

    /// <summary>SLA clocks breached / SLA clocks decided (stopped, or breached at asOf), all kinds.</summary>
    public Ratio ClockOverdue { get; init; }

    /// <summary>Escalation steps recorded.</summary>
    public EscalationCounts Escalations { get; init; }

    /// <summary>Cases ever substantiated (基本属实).</summary>
    public int SubstantiatedCases { get; init; }

    /// <summary>Cases found unfounded.</summary>
    public int UnfoundedCases { get; init; }

    /// <summary>Substantiated cases per category.</summary>
    public ImmutableSortedDictionary<CaseCategory, int> SubstantiatedByCategory { get; init; } = ImmutableSortedDictionary<CaseCategory, int>.Empty;

    /// <summary>Cases that reached step 4 (accountability referral).</summary>
    public int AccountabilityCases { get; init; }

    /// <summary>Enterprises in scope.</summary>
    public int Enterprises { get; init; }

    /// <summary>Inspections (in the quarters in scope).</summary>
    public int Inspections { get; init; }

    /// <summary>Visits (doors entered) those inspections amount to under the policy.</summary>
    public int InspectionVisits { get; init; }

    /// <summary>Enterprises × quarters in scope.</summary>
    public int EnterpriseQuarters { get; init; }

    /// <summary>Enterprise-quarters with more visits than inspectionBurdenThreshold.</summary>
    public int EnterpriseQuartersOverThreshold { get; init; }

    /// <summary>Subsidies paid within grace / subsidies decided (paid, or grace ended by asOf).</summary>
    public Ratio SubsidyOnTime { get; init; }

    /// <summary>Delay in working days of every subsidy promised by asOf (see SubsidyMonitor.DelayWorkingDays).</summary>
    public Histogram SubsidyDelay { get; init; } = Histogram.Empty;

    /// <summary>Subsidies unpaid past grace at asOf.</summary>
    public int SubsidiesOverdue { get; init; }

    /// <summary>Supervisor visits made / visit capacity.</summary>
    public Ratio SupervisorUtilisation { get; init; }

    /// <summary>Per department (keys in ordinal order, see <see cref="EnterpriseSatisfaction"/>).</summary>
    public ImmutableSortedDictionary<string, DepartmentTally> Departments
    {
        get => _departments;
        init => _departments = value.WithComparers(StringComparer.Ordinal);
    }

    private readonly ImmutableSortedDictionary<string, DepartmentTally> _departments = s_noDepartments;

    /// <summary>No records at all: every count zero and every map and histogram empty (equal to <see cref="Empty"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty =>
        Cases == 0 && OpenCases == 0 && OpenOverdueCases == 0 && Response == default && Resolution == default && Reopen == default &&
        Satisfaction.Counts.IsEmpty && EnterpriseSatisfaction.IsEmpty && TimeToResolve.Counts.IsEmpty && ClockOverdue == default &&
        Escalations == default && SubstantiatedCases == 0 && UnfoundedCases == 0 && SubstantiatedByCategory.IsEmpty && AccountabilityCases == 0 &&
        Enterprises == 0 && Inspections == 0 && InspectionVisits == 0 && EnterpriseQuarters == 0 && EnterpriseQuartersOverThreshold == 0 &&
        SubsidyOnTime == default && SubsidyDelay.Counts.IsEmpty && SubsidiesOverdue == 0 && SupervisorUtilisation == default && Departments.IsEmpty;

    /// <summary>Whether <paramref name="part"/> is all of this tally: taking it out leaves nothing (a part that is not
    /// in the tally at all is not all of it either).</summary>
    public bool IsExactly(KpiTally part)
    {
        ArgumentNullException.ThrowIfNull(part);
        try
        {
            return Subtract(part).IsEmpty;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The tally of the union of both tallies' records.</summary>
    public KpiTally Combine(KpiTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new KpiTally
        {
            Cases = Cases + other.Cases,
            OpenCases = OpenCases + other.OpenCases,
            OpenOverdueCases = OpenOverdueCases + other.OpenOverdueCases,
            Response = Response + other.Response,
            Resolution = Resolution + other.Resolution,
            Reopen = Reopen + other.Reopen,
            Satisfaction = Satisfaction.Merge(other.Satisfaction),
            EnterpriseSatisfaction = MergeMaps(EnterpriseSatisfaction, other.EnterpriseSatisfaction, (a, b) => a + b),
            TimeToResolve = TimeToResolve.Merge(other.TimeToResolve),
            ClockOverdue = ClockOverdue + other.ClockOverdue,
            Escalations = Escalations + other.Escalations,
            SubstantiatedCases = SubstantiatedCases + other.SubstantiatedCases,
            UnfoundedCases = UnfoundedCases + other.UnfoundedCases,
            SubstantiatedByCategory = MergeMaps(SubstantiatedByCategory, other.SubstantiatedByCategory, (a, b) => a + b),
            AccountabilityCases = AccountabilityCases + other.AccountabilityCases,
            Enterprises = Enterprises + other.Enterprises,
            Inspections = Inspections + other.Inspections,
            InspectionVisits = InspectionVisits + other.InspectionVisits,
            EnterpriseQuarters = EnterpriseQuarters + other.EnterpriseQuarters,
            EnterpriseQuartersOverThreshold = EnterpriseQuartersOverThreshold + other.EnterpriseQuartersOverThreshold,
            SubsidyOnTime = SubsidyOnTime + other.SubsidyOnTime,
            SubsidyDelay = SubsidyDelay.Merge(other.SubsidyDelay),
            SubsidiesOverdue = SubsidiesOverdue + other.SubsidiesOverdue,
            SupervisorUtilisation = SupervisorUtilisation + other.SupervisorUtilisation,
            Departments = MergeMaps(Departments, other.Departments, (a, b) => a.Combine(b)),
        };
    }

    /// <summary>The tally of the union of all the tallies' records.</summary>
    public static KpiTally Combine(IEnumerable<KpiTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        // Pairwise, except the per-enterprise scores: that map grows with the district (an entry per rated enterprise), and
        // merging it pairwise copied a path of the growing map for every entry. A district of a national simulation (2,500
        // parks, 500,000 enterprises) spent about 3 s and several collections on it. One builder for all the tallies instead.
        var total = Empty;
        ImmutableSortedDictionary<string, ScoreSum>.Builder? scores = null;
        foreach (var tally in tallies)
        {
            ArgumentNullException.ThrowIfNull(tally);
            if (tally.EnterpriseSatisfaction.IsEmpty)
            {
                total = total.Combine(tally);
                continue;
            }

            total = total.Combine(tally with { EnterpriseSatisfaction = s_noScores });
            scores ??= s_noScores.ToBuilder();
            foreach (var (enterprise, score) in tally.EnterpriseSatisfaction)
                scores[enterprise] = scores.TryGetValue(enterprise, out var sum) ? sum + score : score;
        }

        return scores is null ? total : total with { EnterpriseSatisfaction = scores.ToImmutable() };
    }

    /// <summary>
    /// The tally of this tally's records without <paramref name="other"/>'s, which must be part of them: the inverse of
    /// <see cref="Combine(KpiTally)"/>, so <c>a.Combine(b).Subtract(b)</c> equals <c>a</c> exactly (map entries that drop
    /// to nothing disappear). A running tally (a park's, a department's) replaces one contributor's old tally by its new one
    /// with <c>running.Subtract(old).Combine(new)</c> instead of recomputing from every record.
    /// </summary>
    /// <exception cref="ArgumentException">A histogram sample of <paramref name="other"/> is not in this tally.</exception>
    public KpiTally Subtract(KpiTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        // Replacing by nothing is subtracting: one field list for both (Replace's maps drop entries that reach zero).
        return ReferenceEquals(other, Empty) ? this : Replace(other, Empty);
    }

    /// <summary>Replaces one contributor's part: <c>Subtract(previous).Combine(next)</c>.</summary>
    public KpiTally Replace(KpiTally previous, KpiTally next)
    {
        // Subtract(previous).Combine(next) in one tally: receivers replace a contribution on every report they get.
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (ReferenceEquals(previous, Empty)) return Combine(next);
        return new KpiTally
        {
            Cases = Cases - previous.Cases + next.Cases,
            OpenCases = OpenCases - previous.OpenCases + next.OpenCases,
            OpenOverdueCases = OpenOverdueCases - previous.OpenOverdueCases + next.OpenOverdueCases,
            Response = Response - previous.Response + next.Response,
            Resolution = Resolution - previous.Resolution + next.Resolution,
            Reopen = Reopen - previous.Reopen + next.Reopen,
            Satisfaction = Satisfaction.Subtract(previous.Satisfaction).Merge(next.Satisfaction),
            EnterpriseSatisfaction = ReplaceInMap(EnterpriseSatisfaction, previous.EnterpriseSatisfaction, next.EnterpriseSatisfaction,
                (a, b) => a - b, (a, b) => a + b, s => s.Count == 0 && s.Sum == 0),
            TimeToResolve = TimeToResolve.Subtract(previous.TimeToResolve).Merge(next.TimeToResolve),
            ClockOverdue = ClockOverdue - previous.ClockOverdue + next.ClockOverdue,
            Escalations = Escalations - previous.Escalations + next.Escalations,
            SubstantiatedCases = SubstantiatedCases - previous.SubstantiatedCases + next.SubstantiatedCases,
            UnfoundedCases = UnfoundedCases - previous.UnfoundedCases + next.UnfoundedCases,
            SubstantiatedByCategory = ReplaceInMap(SubstantiatedByCategory, previous.SubstantiatedByCategory, next.SubstantiatedByCategory,
                (a, b) => a - b, (a, b) => a + b, n => n == 0),
            AccountabilityCases = AccountabilityCases - previous.AccountabilityCases + next.AccountabilityCases,
            Enterprises = Enterprises - previous.Enterprises + next.Enterprises,
            Inspections = Inspections - previous.Inspections + next.Inspections,
            InspectionVisits = InspectionVisits - previous.InspectionVisits + next.InspectionVisits,
            EnterpriseQuarters = EnterpriseQuarters - previous.EnterpriseQuarters + next.EnterpriseQuarters,
            EnterpriseQuartersOverThreshold = EnterpriseQuartersOverThreshold - previous.EnterpriseQuartersOverThreshold + next.EnterpriseQuartersOverThreshold,
            SubsidyOnTime = SubsidyOnTime - previous.SubsidyOnTime + next.SubsidyOnTime,
            SubsidyDelay = SubsidyDelay.Subtract(previous.SubsidyDelay).Merge(next.SubsidyDelay),
            SubsidiesOverdue = SubsidiesOverdue - previous.SubsidiesOverdue + next.SubsidiesOverdue,
            SupervisorUtilisation = SupervisorUtilisation - previous.SupervisorUtilisation + next.SupervisorUtilisation,
            Departments = ReplaceInMap(Departments, previous.Departments, next.Departments,
                (a, b) => a.Subtract(b), (a, b) => a.Combine(b), d => d.IsEmpty),
        };
    }

    /// <summary>
    /// Takes <paramref name="previous"/>'s entries out of <paramref name="map"/> (each must be there; an entry that drops
    /// to zero disappears) and merges <paramref name="next"/>'s in, with one change per key: a contributor's old and new
    /// entries usually share their keys (its enterprise, category, department), and every change of an immutable map
    /// copies a path of nodes. An entry emptied by the subtraction is removed, or replaced by the new entry.
    /// </summary>
    private static ImmutableSortedDictionary<TKey, TValue> ReplaceInMap<TKey, TValue>(
        ImmutableSortedDictionary<TKey, TValue> map, ImmutableSortedDictionary<TKey, TValue> previous, ImmutableSortedDictionary<TKey, TValue> next,
        Func<TValue, TValue, TValue> subtract, Func<TValue, TValue, TValue> merge, Func<TValue, bool> isZero) where TKey : notnull
    {
        if (previous.IsEmpty) return MergeMaps(map, next, merge);
        var result = map;
        foreach (var (key, old) in previous)
        {
            if (!result.TryGetValue(key, out var existing))
                throw new ArgumentException($"Cannot subtract the entry '{key}': the tally has none.", nameof(previous));
            var left = subtract(existing, old);
            var hasNew = next.TryGetValue(key, out var added);
            if (isZero(left)) result = hasNew ? result.SetItem(key, added!) : result.Remove(key);
            else result = result.SetItem(key, hasNew ? merge(left, added!) : left);
        }

        foreach (var (key, added) in next)
            if (!previous.ContainsKey(key))
                result = result.SetItem(key, result.TryGetValue(key, out var existing) ? merge(existing, added) : added);
        return result;
    }

    private static ImmutableSortedDictionary<TKey, TValue> MergeMaps<TKey, TValue>(
        ImmutableSortedDictionary<TKey, TValue> a, ImmutableSortedDictionary<TKey, TValue> b, Func<TValue, TValue, TValue> merge) where TKey : notnull
    {
        var result = a;
        foreach (var (key, value) in b)
            result = result.SetItem(key, result.TryGetValue(key, out var existing) ? merge(existing, value) : value);
        return result;
    }
}
