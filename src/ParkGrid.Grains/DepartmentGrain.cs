using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;
using ParkGrid.Grains.Internal;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

public sealed class DepartmentState
{
    public string? DistrictId { get; set; }
    public string? Name { get; set; }

    /// <summary>The sum of its cases' department contributions (assignments, rectification on time, satisfaction, escalations).</summary>
    [JsonIgnore]
    public RunningDepartmentTally Running { get; private set; } = new();

    /// <summary>The running tally as stored: built when read, read back into <see cref="Running"/>.</summary>
    public DepartmentTally Tally
    {
        get => Running.ToTally();
        set => Running = new RunningDepartmentTally(value);
    }

    public Dictionary<string, CaseSummary> Open { get; set; } = new(StringComparer.Ordinal);
    public DeliveryLedger Ledger { get; set; } = new();
    public List<EscalationNotice> RecentEscalations { get; set; } = [];
    /// <summary>Planned inspections in (date, id) order. The first <see cref="PlanDone"/> of them have been carried out.</summary>
    public List<PlannedInspection> Plan { get; set; } = [];

    /// <summary>How many inspections at the front of <see cref="Plan"/> are done. They are dropped in bulk once they are
    /// half of the list: removing each day's inspections from the front moved the whole plan, every day (a department of
    /// a national simulation plans half a million).</summary>
    public int PlanDone { get; set; }
    public int InspectionsDone { get; set; }
    public Instant? WakeAt { get; set; }
}

/// <summary>
/// A department: what its assigned cases report (open assignments, the department part of their KPI contribution, the
/// escalation steps addressed to it) and its 三评 rating; and its inspection plan, carried out by the "inspections"
/// reminder on each inspection's day (at 09:00) by recording the inspection at the enterprise.
/// </summary>
public sealed class DepartmentGrain : Grain, IDepartmentGrain
{
    internal const string InspectionReminder = "inspections";
    private const int RecentCapacity = 50;

    private readonly IPersistentState<DepartmentState> _state;
    private readonly KpiOptions _kpiOptions;
    private bool _reminderKnown;
    private Instant? _reminderAt;

    public DepartmentGrain([PersistentState("department")] IPersistentState<DepartmentState> state, KpiOptions? kpiOptions = null)
    {
        _state = state;
        _kpiOptions = kpiOptions ?? KpiOptions.Default;
    }

    private DepartmentState S => _state.State;
    private string Id => GetPrimaryKeyString();
    private Instant Now => Clock.GetCurrentInstant();

    public async Task Configure(string districtId, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(districtId);
        if (S.DistrictId is { } existing && existing != districtId)
            throw new InvalidOperationException($"Department '{Id}' belongs to district '{existing}'; it cannot join '{districtId}'.");
        S.DistrictId = districtId;
        S.Name = string.IsNullOrWhiteSpace(name) ? S.Name ?? Id : name;
        await _state.SaveAsync();
    }

    public async Task<DepartmentSnapshot> PlanInspections(IReadOnlyList<PlannedInspection> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // Checked before anything changes, so that a bad entry leaves the plan as it was.
        for (var i = 0; i < plan.Count; i++)
        {
            if (plan[i] is not { } p) throw new ArgumentException($"Planned inspection #{i + 1} is missing.", nameof(plan));
            if (string.IsNullOrWhiteSpace(p.EnterpriseId))
                throw new ArgumentException($"Planned inspection #{i + 1} ({p.Id ?? p.Date.ToString()}) has no enterprise id.", nameof(plan));
        }

        DropDone();
        var known = new HashSet<string>(S.Plan.Count + plan.Count, StringComparer.Ordinal);
        foreach (var x in S.Plan) known.Add(x.Id!);
        foreach (var p in plan)
        {
            var planned = p.Id is null ? p with { Id = $"{Id}-{p.EnterpriseId}-{p.Date:uuuuMMdd}" } : p;
            if (known.Add(planned.Id!)) S.Plan.Add(planned);
        }

        SortPlan(S.Plan);
        await Commit();
        return Snapshot();
    }

    /// <summary>Sorts the plan into (date, id) order through keys made once per inspection: a national simulation plans
    /// about a million inspections per department, and comparing the records themselves went through NodaTime's calendar
    /// checks at every comparison.</summary>
    private static void SortPlan(List<PlannedInspection> plan)
    {
        var items = CollectionsMarshal.AsSpan(plan);
        var keys = new PlanKey[items.Length];
        for (var i = 0; i < items.Length; i++) keys[i] = new PlanKey(items[i].Date, items[i].Id!);
        keys.AsSpan().Sort(items);
    }

    /// <summary>A planned inspection's place in the plan: its date (packed so that the integers order as the dates do),
    /// then its id. Ids are unique in a plan, so the order is total and the same whatever the sort does with ties.</summary>
    private readonly struct PlanKey(LocalDate date, string id) : IComparable<PlanKey>
    {
        private readonly int _day = date.Year * 512 + date.Month * 32 + date.Day;
        private readonly string _id = id;

        public int CompareTo(PlanKey other) =>
            _day != other._day ? _day.CompareTo(other._day) : string.CompareOrdinal(_id, other._id);
    }

    /// <summary>The "inspections" reminder: every planned inspection whose day has come is recorded at its enterprise (with
    /// its planned date, also after downtime); one that fails stays planned and is retried at the next tick.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != InspectionReminder)
        {
            if (await GetReminder(reminderName) is { } stray) await UnregisterReminder(stray);
            return;
        }

        var today = ChinaTime.DateOf(Now);
        var due = S.PlanDone;
        while (due < S.Plan.Count && S.Plan[due].Date <= today) due++;
        List<PlannedInspection>? failed = null;
        for (var i = S.PlanDone; i < due; i++)
        {
            var p = S.Plan[i];
            try
            {
                await GrainFactory.GetGrain<IEnterpriseGrain>(p.EnterpriseId).RecordInspection(new Inspection(p.Id!, p.EnterpriseId, Id, p.Date));
                S.InspectionsDone++;
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                (failed ??= []).Add(p); // stays planned, retried at the next tick
            }
        }

        S.PlanDone = due;
        if (failed is not null)
        {
            DropDone();
            S.Plan.InsertRange(0, failed);
        }
        else if (S.PlanDone > 1024 && S.PlanDone * 2 > S.Plan.Count)
        {
            DropDone();
        }

        await Commit(retrySoon: failed is not null);
    }

    private void DropDone()
    {
        S.Plan.RemoveRange(0, S.PlanDone);
        S.PlanDone = 0;
    }

    private PlannedInspection? NextPlanned => S.PlanDone < S.Plan.Count ? S.Plan[S.PlanDone] : null;

    private async Task Commit(bool retrySoon = false)
    {
        var now = Now;
        Instant? wake = NextPlanned is { } next ? GrainTime.Max(GrainTime.NineOClock(next.Date), now) : null;
        if (retrySoon && wake <= now) wake = now + Duration.FromHours(1);
        S.WakeAt = wake;
        await _state.SaveAsync();
        if (_reminderKnown && _reminderAt == wake) return;
        if (wake is { } at) await RegisterOrUpdateReminder(InspectionReminder, at - now, Duration.FromDays(1));
        else if (await GetReminder(InspectionReminder) is { } reminder) await UnregisterReminder(reminder);
        _reminderKnown = true;
        _reminderAt = wake;
    }

    /// <summary>Applies a case's report once (by revision): replaces the case's old department contribution by its new one
    /// (a case reassigned elsewhere contributes nothing here any more) and notes escalation steps addressed here.</summary>
    public async Task OnCaseReport(CaseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = report.Case;
        var mine = c.DepartmentId == Id;
        if (!S.Ledger.Accept(c.CaseId, report.Revision, active: mine && !c.Closed)) return;
        S.Running.Replace(report.Previous, report.Current, Id);
        // The steps addressed here that the previous report did not count yet.
        var known = report.Previous.DepartmentId == Id ? report.Previous.DepartmentEscalations.Total : 0;
        foreach (var e in report.Escalations)
        {
            if (e.DepartmentId != Id) continue;
            if (known > 0) known--;
            else S.RecentEscalations.Add(new EscalationNotice(c.CaseId, c.ParkId, c.EnterpriseId, e));
        }

        if (S.RecentEscalations.Count > RecentCapacity) S.RecentEscalations.RemoveRange(0, S.RecentEscalations.Count - RecentCapacity);
        if (mine && !c.Closed) S.Open[c.CaseId] = c;
        else S.Open.Remove(c.CaseId);
        await _state.SaveAsync();
    }

    public Task<DepartmentSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public Task<IReadOnlyList<CaseSummary>> ListAssignments(CaseStatus? status) =>
        Task.FromResult(CaseSummaries.Ordered(S.Open.Values.Where(c => status is not { } s || c.Status == s)));

    private DepartmentSnapshot Snapshot()
    {
        var tally = S.Tally;
        return new(Id, S.DistrictId, S.Name ?? Id, S.Open.Count, tally, KpiCalculator.Rate(Id, tally, _kpiOptions),
            S.RecentEscalations.ToArray(), S.Plan.Count - S.PlanDone, S.InspectionsDone, NextPlanned?.Date);
    }
}
