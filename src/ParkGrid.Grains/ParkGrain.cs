using System.Text.Json.Serialization;
using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;
using ParkGrid.Grains.Internal;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

/// <summary>Who the park is and who belongs to it (changes rarely).</summary>
public sealed class ParkProfileState
{
    public string? DistrictId { get; set; }
    public string? Name { get; set; }
    public Dictionary<string, ParkEnterprise> Enterprises { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, ParkContactPoint> ContactPoints { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The park's open cases (written on case reports only).</summary>
public sealed class ParkCaseIndexState
{
    public Dictionary<string, CaseSummary> OpenCases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The report revision each open case's line comes from (a line is only replaced by a newer one).</summary>
    public Dictionary<string, long> Revisions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The park's KPI book: the running tally and what makes its updates exactly-once.</summary>
public sealed class ParkBookState
{
    /// <summary>The sum of the contributions reported by its cases and enterprises, changed in place per report.</summary>
    [JsonIgnore]
    public RunningKpiTally Running { get; private set; } = new();

    /// <summary>The running tally as stored: built when read, read back into <see cref="Running"/>.</summary>
    public KpiTally Tally
    {
        get => Running.ToTally();
        set => Running = new RunningKpiTally(value);
    }

    public DeliveryLedger Cases { get; set; } = new();
    public DeliveryLedger Enterprises { get; set; } = new();
    public Dictionary<string, List<OpenSubsidy>> OpenSubsidies { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, ContactPointReport> ContactPoints { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A park: its enterprises and contact points, its open cases by status and category, and its KPIs. It never calls
/// another grain: cases, enterprises and contact points report to it. The KPI tally is kept running
/// (in place, <see cref="RunningKpiTally.Replace"/> per report), and the parts that depend on the day — enterprise-quarters,
/// the delay of unpaid subsidies — are added when it is read.
/// <para>Three states, so that each report writes only what it changes: "profile" (members), "cases" (the open-case index,
/// replaced line by line by newer revisions: idempotent) and "book" (the tally with its exactly-once ledgers). A case
/// report writes the index first and the book second, so a crash between the two is repaired by the report's replay.</para>
/// </summary>
public sealed class ParkGrain : Grain, IParkGrain
{
    private readonly IPersistentState<ParkProfileState> _profile;
    private readonly IPersistentState<ParkCaseIndexState> _index;
    private readonly IPersistentState<ParkBookState> _book;
    private readonly WorkingDayCalendar _calendar;
    private readonly KpiOptions _kpiOptions;

    public ParkGrain(
        [PersistentState("profile")] IPersistentState<ParkProfileState> profile,
        [PersistentState("cases")] IPersistentState<ParkCaseIndexState> index,
        [PersistentState("book")] IPersistentState<ParkBookState> book,
        WorkingDayCalendar calendar,
        KpiOptions? kpiOptions = null)
    {
        _profile = profile;
        _index = index;
        _book = book;
        _calendar = calendar;
        _kpiOptions = kpiOptions ?? KpiOptions.Default;
    }

    private ParkProfileState P => _profile.State;
    private ParkCaseIndexState I => _index.State;
    private ParkBookState B => _book.State;
    private string Id => GetPrimaryKeyString();

    public async Task<ParkInfo> Configure(string districtId, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(districtId);
        if (P.DistrictId is { } existing && existing != districtId)
            throw new InvalidOperationException($"Park '{Id}' already belongs to district '{existing}'; it cannot join '{districtId}'.");
        P.DistrictId = districtId;
        P.Name = string.IsNullOrWhiteSpace(name) ? P.Name ?? Id : name;
        await _profile.SaveAsync();
        return Info();
    }

    public Task<ParkInfo> GetInfo() => Task.FromResult(Info());

    private ParkInfo Info() => new(Id, P.DistrictId, P.Name ?? Id);

    public async Task<ParkInfo> AddEnterprise(ParkEnterprise enterprise)
    {
        ArgumentNullException.ThrowIfNull(enterprise);
        if (P.DistrictId is null) throw new InvalidOperationException($"Park '{Id}' belongs to no district yet: add it with IDistrictGrain.AddPark first.");
        P.Enterprises[enterprise.EnterpriseId] = P.Enterprises.TryGetValue(enterprise.EnterpriseId, out var known)
            ? enterprise with { RegisteredOn = known.RegisteredOn, ContactPointId = enterprise.ContactPointId ?? known.ContactPointId }
            : enterprise;
        await _profile.SaveAsync();
        return Info();
    }

    public async Task AddContactPoint(ParkContactPoint contactPoint)
    {
        ArgumentNullException.ThrowIfNull(contactPoint);
        foreach (var enterpriseId in contactPoint.Enterprises)
            if (!P.Enterprises.ContainsKey(enterpriseId))
                throw new InvalidOperationException($"Contact point '{contactPoint.ContactPointId}' covers enterprise '{enterpriseId}', which is not registered in park '{Id}'.");
        P.ContactPoints[contactPoint.ContactPointId] = contactPoint with { Enterprises = contactPoint.Enterprises.ToArray() };
        foreach (var enterpriseId in contactPoint.Enterprises)
            P.Enterprises[enterpriseId] = P.Enterprises[enterpriseId] with { ContactPointId = contactPoint.ContactPointId };
        await _profile.SaveAsync();
    }

    public async Task OnCaseReport(CaseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = report.Case;
        if (!I.Revisions.TryGetValue(c.CaseId, out var indexed) || report.Revision > indexed)
        {
            if (c.Closed)
            {
                I.OpenCases.Remove(c.CaseId);
                I.Revisions.Remove(c.CaseId);
            }
            else
            {
                I.OpenCases[c.CaseId] = c;
                I.Revisions[c.CaseId] = report.Revision;
            }

            await _index.SaveAsync();
        }

        if (!B.Cases.Accept(c.CaseId, report.Revision, active: !c.Closed)) return; // applied already
        B.Running.Replace(report.Previous, report.Current);
        await _book.SaveAsync();
    }

    public async Task OnEnterpriseReport(EnterpriseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!B.Enterprises.Accept(report.EnterpriseId, report.Revision, active: true)) return;
        B.Running.Replace(report.Previous, report.Current);
        if (report.OpenSubsidies.Count == 0) B.OpenSubsidies.Remove(report.EnterpriseId);
        else B.OpenSubsidies[report.EnterpriseId] = [.. report.OpenSubsidies];
        await _book.SaveAsync();
    }

    public async Task OnContactPointReport(ContactPointReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (B.ContactPoints.TryGetValue(report.ContactPointId, out var known) && known.VisitsMade >= report.VisitsMade && known.VisitCapacity >= report.VisitCapacity)
            return; // totals only grow: an older or repeated report
        B.ContactPoints[report.ContactPointId] = report;
        await _book.SaveAsync();
    }

    public Task<ParkSnapshot> GetSnapshot()
    {
        var open = I.OpenCases.Values;
        var byStatus = new SortedDictionary<CaseStatus, int>();
        var byCategory = new SortedDictionary<CaseCategory, int>();
        var overdue = 0;
        foreach (var c in open)
        {
            byStatus[c.Status] = byStatus.GetValueOrDefault(c.Status) + 1;
            byCategory[c.Category] = byCategory.GetValueOrDefault(c.Category) + 1;
            if (c.Overdue) overdue++;
        }

        return Task.FromResult(new ParkSnapshot(Id, P.DistrictId, P.Name ?? Id, P.Enterprises.Count, P.ContactPoints.Count,
            B.Running.Cases, I.OpenCases.Count, overdue, byStatus, byCategory));
    }

    public Task<IReadOnlyList<ParkEnterprise>> ListEnterprises() =>
        Task.FromResult<IReadOnlyList<ParkEnterprise>>(P.Enterprises.Values.OrderBy(e => e.EnterpriseId, StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<ParkContactPoint>> ListContactPoints() =>
        Task.FromResult<IReadOnlyList<ParkContactPoint>>(P.ContactPoints.Values.OrderBy(c => c.ContactPointId, StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<CaseSummary>> ListOpenCases(CaseFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Task.FromResult(CaseSummaries.Ordered(I.OpenCases.Values.Where(c => c.Matches(filter)), filter.Limit));
    }

    public Task<IReadOnlyList<CaseSummary>> FollowUpsDue(string contactPointId)
    {
        if (!P.ContactPoints.TryGetValue(contactPointId, out var cp)) return Task.FromResult<IReadOnlyList<CaseSummary>>([]);
        var covered = cp.Enterprises.ToHashSet(StringComparer.Ordinal);
        return Task.FromResult(CaseSummaries.Ordered(I.OpenCases.Values.Where(c => c.Status == CaseStatus.FollowUpDue && covered.Contains(c.EnterpriseId))));
    }

    public Task<KpiTally> GetKpiTally() => Task.FromResult(TallyNow(Clock.GetCurrentInstant()));

    public Task<KpiReport> GetKpis() => Task.FromResult(KpiCalculator.Report(TallyNow(Clock.GetCurrentInstant()), _kpiOptions));

    /// <summary>
    /// The running tally plus what the park itself knows at <paramref name="now"/>: its enterprises and enterprise-quarters
    /// (each enterprise from the quarter it registered in to the current one), the unpaid subsidies (delay so far; overdue
    /// and decided-late once past grace), and its contact points' visits against capacity.
    /// </summary>
    private KpiTally TallyNow(Instant now)
    {
        var today = ChinaTime.DateOf(now);
        var current = Quarter.Of(today);
        var enterpriseQuarters = 0;
        foreach (var e in P.Enterprises.Values)
        {
            var first = Quarter.Of(e.RegisteredOn);
            if (first.CompareTo(current) <= 0) enterpriseQuarters += (current.Year - first.Year) * 4 + current.Number - first.Number + 1;
        }

        var onTime = default(Ratio);
        var delay = Histogram.Empty;
        var overdue = 0;
        foreach (var list in B.OpenSubsidies.Values)
        {
            foreach (var s in list)
            {
                if (s.PromisedOn > today) continue;
                delay = delay.Add(Math.Max(0, _calendar.WorkingDaysBetween(s.PromisedOn, today)));
                if (today > s.GraceEnds)
                {
                    onTime = onTime.Add(false);
                    overdue++;
                }
            }
        }

        long made = 0, capacity = 0;
        foreach (var cp in B.ContactPoints.Values)
        {
            made += cp.VisitsMade;
            capacity += cp.VisitCapacity;
        }

        var t = B.Tally;
        return t with
        {
            Enterprises = t.Enterprises + P.Enterprises.Count,
            EnterpriseQuarters = t.EnterpriseQuarters + enterpriseQuarters,
            SubsidyOnTime = t.SubsidyOnTime + onTime,
            SubsidyDelay = t.SubsidyDelay.Merge(delay),
            SubsidiesOverdue = t.SubsidiesOverdue + overdue,
            SupervisorUtilisation = t.SupervisorUtilisation + new Ratio(made, capacity),
        };
    }
}
