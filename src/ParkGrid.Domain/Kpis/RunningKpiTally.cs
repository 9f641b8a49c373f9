using System.Collections.Immutable;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Domain.Kpis;

/// <summary>
/// A receiver's running KPI tally (a park's, a department's): the sum of its contributors' latest tallies, changed in
/// place when one contributor's tally is replaced by a newer one. It gives exactly what the immutable
/// <see cref="KpiTally.Replace"/> chain gives (<see cref="ToTally"/>), without building a new tally, new maps and new
/// histograms on every report: receivers apply hundreds of thousands of reports in a simulated year, and each immutable
/// tally they built lived just long enough to be copied by the garbage collector.
/// <para>A replacement is checked before anything changes: subtracting what the tally does not hold throws
/// <see cref="ArgumentException"/> and leaves it as it was.</para>
/// </summary>
public sealed class RunningKpiTally
{
    private int _cases, _openCases, _openOverdueCases, _substantiatedCases, _unfoundedCases, _accountabilityCases;
    private int _enterprises, _inspections, _inspectionVisits, _enterpriseQuarters, _enterpriseQuartersOverThreshold, _subsidiesOverdue;
    private Ratio _response, _resolution, _reopen, _clockOverdue, _subsidyOnTime, _supervisorUtilisation;
    private EscalationCounts _escalations;
    private readonly RunningHistogram _satisfaction = new(), _timeToResolve = new(), _subsidyDelay = new();
    private readonly Dictionary<string, ScoreSum> _enterpriseSatisfaction = new(StringComparer.Ordinal);
    private readonly Dictionary<CaseCategory, int> _substantiatedByCategory = [];
    private readonly Dictionary<string, RunningDepartmentTally> _departments = new(StringComparer.Ordinal);

    public RunningKpiTally()
    {
    }

    /// <summary>A running tally holding <paramref name="start"/>'s records (a stored tally read back).</summary>
    public RunningKpiTally(KpiTally start)
    {
        ArgumentNullException.ThrowIfNull(start);
        Apply(start, +1);
    }

    /// <summary>Replaces one contributor's part: the same result as <c>tally.Replace(previous, next)</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="previous"/> holds a record this tally does not; nothing changed.</exception>
    public void Replace(KpiTally previous, KpiTally next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (!ReferenceEquals(previous, KpiTally.Empty))
        {
            EnsureHolds(previous);
            Apply(previous, -1);
        }

        if (!ReferenceEquals(next, KpiTally.Empty)) Apply(next, +1);
    }

    /// <summary>Replaces one case's part: the same result as <c>tally.Replace(previous.ToTally(), next.ToTally())</c>, without
    /// building either tally.</summary>
    /// <exception cref="ArgumentException"><paramref name="previous"/> holds a record this tally does not; nothing changed.</exception>
    public void Replace(CaseContribution previous, CaseContribution next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (previous.Received)
        {
            EnsureHolds(previous);
            Apply(previous, -1);
        }

        if (next.Received) Apply(next, +1);
    }

    /// <summary>Replaces one enterprise's part: the same result as <c>tally.Replace(previous.ToTally(), next.ToTally())</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="previous"/> holds a subsidy delay this tally does not; nothing changed.</exception>
    public void Replace(EnterpriseContribution previous, EnterpriseContribution next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        _subsidyDelay.EnsureHolds(previous.SubsidyDelay);
        Apply(previous, -1);
        Apply(next, +1);
    }

    private void Apply(EnterpriseContribution e, int sign)
    {
        _inspections += sign * e.Inspections;
        _inspectionVisits += sign * e.InspectionVisits;
        _enterpriseQuartersOverThreshold += sign * e.EnterpriseQuartersOverThreshold;
        _subsidyOnTime = Plus(_subsidyOnTime, e.SubsidyOnTime, sign);
        _subsidyDelay.Apply(e.SubsidyDelay, sign);
    }

    private void EnsureHolds(CaseContribution c)
    {
        if (c.Satisfaction is { } score)
        {
            _satisfaction.EnsureHolds(score);
            if (c.EnterpriseId is { } enterprise && !_enterpriseSatisfaction.ContainsKey(enterprise)) throw NoEntry(enterprise);
        }

        if (c.TimeToResolve is { } days) _timeToResolve.EnsureHolds(days);
        if (c.Substantiated is { } category && !_substantiatedByCategory.ContainsKey(category)) throw NoEntry(category);
        if (c.DepartmentId is { } department)
        {
            if (!_departments.TryGetValue(department, out var mine)) throw NoEntry(department);
            if (c.Satisfaction is { } s) mine.EnsureHoldsScore(s);
        }
    }

    /// <summary>Adds (sign +1) or subtracts (sign −1, checked first) a case's part, field by field as <see cref="Apply(KpiTally, int)"/>
    /// does for the equivalent tally.</summary>
    private void Apply(CaseContribution c, int sign)
    {
        _cases += sign;
        if (c.Open) _openCases += sign;
        if (c.OpenOverdue) _openOverdueCases += sign;
        _response = Plus(_response, c.Response, sign);
        _resolution = Plus(_resolution, c.Resolution, sign);
        _reopen = Plus(_reopen, c.Reopen, sign);
        if (c.Satisfaction is { } score)
        {
            _satisfaction.Apply(score, sign);
            if (c.EnterpriseId is { } enterprise)
            {
                var sum = _enterpriseSatisfaction.GetValueOrDefault(enterprise) + new ScoreSum(sign * score, sign);
                if (sign < 0 && sum is { Count: 0, Sum: 0 }) _enterpriseSatisfaction.Remove(enterprise);
                else _enterpriseSatisfaction[enterprise] = sum;
            }
        }

        if (c.TimeToResolve is { } days) _timeToResolve.Apply(days, sign);
        _clockOverdue = Plus(_clockOverdue, c.ClockOverdue, sign);
        _escalations = Plus(_escalations, c.Escalations, sign);
        if (c.Substantiated is { } category)
        {
            _substantiatedCases += sign;
            var left = _substantiatedByCategory.GetValueOrDefault(category) + sign;
            if (sign < 0 && left == 0) _substantiatedByCategory.Remove(category);
            else _substantiatedByCategory[category] = left;
        }

        if (c.Unfounded) _unfoundedCases += sign;
        if (c.Accountability) _accountabilityCases += sign;
        if (c.DepartmentId is { } department)
        {
            if (!_departments.TryGetValue(department, out var mine)) _departments[department] = mine = new RunningDepartmentTally();
            mine.Apply(c, sign);
            if (sign < 0 && mine.IsEmpty) _departments.Remove(department);
        }
    }

    /// <summary>Refuses (before any change) a subtraction of map entries or histogram samples this tally does not hold,
    /// with the message the immutable tally gives.</summary>
    private void EnsureHolds(KpiTally t)
    {
        _satisfaction.EnsureHolds(t.Satisfaction);
        _timeToResolve.EnsureHolds(t.TimeToResolve);
        _subsidyDelay.EnsureHolds(t.SubsidyDelay);
        // Most contributions leave most maps empty; enumerating an empty immutable map still costs an enumerator.
        if (!t.EnterpriseSatisfaction.IsEmpty)
        {
            foreach (var key in t.EnterpriseSatisfaction.Keys)
                if (!_enterpriseSatisfaction.ContainsKey(key)) throw NoEntry(key);
        }

        if (!t.SubstantiatedByCategory.IsEmpty)
        {
            foreach (var key in t.SubstantiatedByCategory.Keys)
                if (!_substantiatedByCategory.ContainsKey(key)) throw NoEntry(key);
        }

        if (!t.Departments.IsEmpty)
        {
            foreach (var (key, department) in t.Departments)
            {
                if (!_departments.TryGetValue(key, out var mine)) throw NoEntry(key);
                mine.EnsureHolds(department);
            }
        }
    }

    internal static ArgumentException NoEntry(object key) => new($"Cannot subtract the entry '{key}': the tally has none.", "previous");

    /// <summary>Adds (sign +1) or subtracts (sign −1, checked first) every field of <paramref name="t"/>. A subtraction drops
    /// map entries that reach zero, as the immutable tally does; an addition keeps whatever it gets.</summary>
    private void Apply(KpiTally t, int sign)
    {
        _cases += sign * t.Cases;
        _openCases += sign * t.OpenCases;
        _openOverdueCases += sign * t.OpenOverdueCases;
        _response = Plus(_response, t.Response, sign);
        _resolution = Plus(_resolution, t.Resolution, sign);
        _reopen = Plus(_reopen, t.Reopen, sign);
        _satisfaction.Apply(t.Satisfaction, sign);
        if (!t.EnterpriseSatisfaction.IsEmpty)
        {
            foreach (var (key, value) in t.EnterpriseSatisfaction)
            {
                var sum = _enterpriseSatisfaction.GetValueOrDefault(key) + (sign > 0 ? value : default(ScoreSum) - value);
                if (sign < 0 && sum is { Count: 0, Sum: 0 }) _enterpriseSatisfaction.Remove(key);
                else _enterpriseSatisfaction[key] = sum;
            }
        }

        _timeToResolve.Apply(t.TimeToResolve, sign);
        _clockOverdue = Plus(_clockOverdue, t.ClockOverdue, sign);
        _escalations = Plus(_escalations, t.Escalations, sign);
        _substantiatedCases += sign * t.SubstantiatedCases;
        _unfoundedCases += sign * t.UnfoundedCases;
        if (!t.SubstantiatedByCategory.IsEmpty)
        {
            foreach (var (key, count) in t.SubstantiatedByCategory)
            {
                var left = _substantiatedByCategory.GetValueOrDefault(key) + sign * count;
                if (sign < 0 && left == 0) _substantiatedByCategory.Remove(key);
                else _substantiatedByCategory[key] = left;
            }
        }

        _accountabilityCases += sign * t.AccountabilityCases;
        _enterprises += sign * t.Enterprises;
        _inspections += sign * t.Inspections;
        _inspectionVisits += sign * t.InspectionVisits;
        _enterpriseQuarters += sign * t.EnterpriseQuarters;
        _enterpriseQuartersOverThreshold += sign * t.EnterpriseQuartersOverThreshold;
        _subsidyOnTime = Plus(_subsidyOnTime, t.SubsidyOnTime, sign);
        _subsidyDelay.Apply(t.SubsidyDelay, sign);
        _subsidiesOverdue += sign * t.SubsidiesOverdue;
        _supervisorUtilisation = Plus(_supervisorUtilisation, t.SupervisorUtilisation, sign);
        if (!t.Departments.IsEmpty)
        {
            foreach (var (key, department) in t.Departments)
            {
                if (!_departments.TryGetValue(key, out var mine)) _departments[key] = mine = new RunningDepartmentTally();
                mine.Apply(department, sign);
                if (sign < 0 && mine.IsEmpty) _departments.Remove(key);
            }
        }
    }

    internal static Ratio Plus(Ratio a, Ratio b, int sign) => sign > 0 ? a + b : a - b;

    internal static EscalationCounts Plus(EscalationCounts a, EscalationCounts b, int sign) => sign > 0 ? a + b : a - b;

    /// <summary>Cases received (read without building the whole tally).</summary>
    public int Cases => _cases;

    /// <summary>The tally as it stands (built afresh: for reading and storing, not for every report).</summary>
    public KpiTally ToTally() => new()
    {
        Cases = _cases,
        OpenCases = _openCases,
        OpenOverdueCases = _openOverdueCases,
        Response = _response,
        Resolution = _resolution,
        Reopen = _reopen,
        Satisfaction = _satisfaction.ToHistogram(),
        EnterpriseSatisfaction = _enterpriseSatisfaction.ToImmutableSortedDictionary(StringComparer.Ordinal),
        TimeToResolve = _timeToResolve.ToHistogram(),
        ClockOverdue = _clockOverdue,
        Escalations = _escalations,
        SubstantiatedCases = _substantiatedCases,
        UnfoundedCases = _unfoundedCases,
        SubstantiatedByCategory = _substantiatedByCategory.ToImmutableSortedDictionary(),
        AccountabilityCases = _accountabilityCases,
        Enterprises = _enterprises,
        Inspections = _inspections,
        InspectionVisits = _inspectionVisits,
        EnterpriseQuarters = _enterpriseQuarters,
        EnterpriseQuartersOverThreshold = _enterpriseQuartersOverThreshold,
        SubsidyOnTime = _subsidyOnTime,
        SubsidyDelay = _subsidyDelay.ToHistogram(),
        SubsidiesOverdue = _subsidiesOverdue,
        SupervisorUtilisation = _supervisorUtilisation,
        Departments = _departments.ToImmutableSortedDictionary(d => d.Key, d => d.Value.ToTally(), StringComparer.Ordinal),
    };
}

/// <summary>A department's running tally, changed in place (see <see cref="RunningKpiTally"/>); <see cref="ToTally"/>
/// gives what the immutable <c>Subtract(previous).Combine(next)</c> chain gives.</summary>
public sealed class RunningDepartmentTally
{
    private int _cases;
    private Ratio _rectifyOnTime, _reopen;
    private EscalationCounts _escalations;
    private readonly RunningHistogram _satisfaction = new();

    public RunningDepartmentTally()
    {
    }

    public RunningDepartmentTally(DepartmentTally start)
    {
        ArgumentNullException.ThrowIfNull(start);
        Apply(start, +1);
    }

    /// <summary>Replaces one contributor's part.</summary>
    /// <exception cref="ArgumentException"><paramref name="previous"/> holds a score this tally does not; nothing changed.</exception>
    public void Replace(DepartmentTally previous, DepartmentTally next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        EnsureHolds(previous);
        Apply(previous, -1);
        Apply(next, +1);
    }

    /// <summary>Replaces one case's part in this department's tally (<paramref name="departmentId"/>): the same result as
    /// <c>Replace(previous.DepartmentPart(id), next.DepartmentPart(id))</c>; a part of another department counts as none.</summary>
    /// <exception cref="ArgumentException"><paramref name="previous"/> holds a score this tally does not; nothing changed.</exception>
    public void Replace(CaseContribution previous, CaseContribution next, string departmentId)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (previous.DepartmentId == departmentId)
        {
            if (previous.Satisfaction is { } score) EnsureHoldsScore(score);
            Apply(previous, -1);
        }

        if (next.DepartmentId == departmentId) Apply(next, +1);
    }

    internal void EnsureHoldsScore(int score) => _satisfaction.EnsureHolds(score);

    /// <summary>A case's part (as <see cref="CaseContribution.DepartmentPart"/>), added or subtracted.</summary>
    internal void Apply(CaseContribution c, int sign)
    {
        _cases += sign;
        _rectifyOnTime = RunningKpiTally.Plus(_rectifyOnTime, c.RectifyOnTime, sign);
        _escalations = RunningKpiTally.Plus(_escalations, c.DepartmentEscalations, sign);
        if (c.Satisfaction is { } score)
        {
            _reopen = RunningKpiTally.Plus(_reopen, c.Reopen, sign);
            _satisfaction.Apply(score, sign);
        }
    }

    internal void EnsureHolds(DepartmentTally t) => _satisfaction.EnsureHolds(t.Satisfaction);

    internal void Apply(DepartmentTally t, int sign)
    {
        _cases += sign * t.Cases;
        _rectifyOnTime = RunningKpiTally.Plus(_rectifyOnTime, t.RectifyOnTime, sign);
        _reopen = RunningKpiTally.Plus(_reopen, t.Reopen, sign);
        _escalations = RunningKpiTally.Plus(_escalations, t.Escalations, sign);
        _satisfaction.Apply(t.Satisfaction, sign);
    }

    /// <summary>No records at all (as <see cref="DepartmentTally.IsEmpty"/>).</summary>
    public bool IsEmpty => _cases == 0 && _rectifyOnTime == default && _satisfaction.IsEmpty && _reopen == default && _escalations == default;

    public DepartmentTally ToTally() => new(_cases, _rectifyOnTime, _satisfaction.ToHistogram(), _reopen, _escalations);
}

/// <summary>A histogram changed in place: value → count, values whose count drops to zero removed.</summary>
internal sealed class RunningHistogram
{
    private readonly Dictionary<int, long> _counts = [];

    public bool IsEmpty => _counts.Count == 0;

    public void EnsureHolds(Histogram h)
    {
        if (h.Counts.IsEmpty) return;
        foreach (var (value, count) in h.Counts)
        {
            var held = _counts.GetValueOrDefault(value);
            if (held < count) throw new ArgumentException($"Cannot subtract {count} sample(s) of {value}: the histogram holds {held}.", "other");
        }
    }

    /// <summary>One sample of <paramref name="value"/> is held (before it is subtracted).</summary>
    public void EnsureHolds(int value)
    {
        if (_counts.GetValueOrDefault(value) < 1) throw new ArgumentException($"Cannot subtract 1 sample(s) of {value}: the histogram holds {_counts.GetValueOrDefault(value)}.", "other");
    }

    /// <summary>Adds (sign +1) or subtracts (sign −1) one sample of <paramref name="value"/>.</summary>
    public void Apply(int value, int sign)
    {
        var left = _counts.GetValueOrDefault(value) + sign;
        if (left == 0) _counts.Remove(value);
        else _counts[value] = left;
    }

    public void Apply(Histogram h, int sign)
    {
        if (h.Counts.IsEmpty) return;
        foreach (var (value, count) in h.Counts)
        {
            var left = _counts.GetValueOrDefault(value) + sign * count;
            if (left == 0) _counts.Remove(value);
            else _counts[value] = left;
        }
    }

    public Histogram ToHistogram() => _counts.Count == 0 ? Histogram.Empty : new Histogram(_counts.ToImmutableSortedDictionary());
}
