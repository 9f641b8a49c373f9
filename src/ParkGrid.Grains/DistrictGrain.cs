using NodaTime;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Policies;
using ParkGrid.Grains.Internal;
using ParkGrid.Domain.Cases;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

public sealed class DistrictState
{
    public string? Name { get; set; }
    public List<string> Supervisors { get; set; } = [];

    /// <summary>The policy in force; null means the default baseline (version 1).</summary>
    public Policy? Policy { get; set; }

    public List<PolicyVersionInfo> PolicyHistory { get; set; } = [];
    public List<string> Parks { get; set; } = [];
    public List<string> Departments { get; set; } = [];
    public List<string> Tours { get; set; } = [];
    public EscalationCounts Escalations { get; set; }
    public Dictionary<string, EscalationCounts> EscalationsByDepartment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Makes case reports exactly-once (open cases that reported, plus recently closed ones).</summary>
    public DeliveryLedger Ledger { get; set; } = new();

    /// <summary>Cases with at least one escalation step.</summary>
    public int EscalatedCases { get; set; }

    public List<EscalationNotice> RecentEscalations { get; set; } = [];
    public List<ClarificationNotice> Clarifications { get; set; } = [];
}

/// <summary>
/// A district: holds the policy in force (every change a new version, in force for clocks started afterwards), lists its
/// parks, departments and tours, registers every escalation step and clarification of its cases (escalation authority),
/// and rolls its parks' KPI tallies up. It calls only parks and departments; cases call it.
/// </summary>
public sealed class DistrictGrain : Grain, IDistrictGrain
{
    /// <summary>Department key under which steps on clocks that ran before any assignment are counted.</summary>
    public const string Unassigned = "(unassigned)";

    private const int RecentCapacity = 100;

    private readonly IPersistentState<DistrictState> _state;
    private readonly KpiOptions _kpiOptions;

    public DistrictGrain([PersistentState("district")] IPersistentState<DistrictState> state, KpiOptions? kpiOptions = null)
    {
        _state = state;
        _kpiOptions = kpiOptions ?? KpiOptions.Default;
    }

    private DistrictState S => _state.State;
    private string Id => GetPrimaryKeyString();
    private Policy Current => S.Policy ?? Policy.Default;

    public async Task<DistrictSnapshot> Configure(DistrictSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentException.ThrowIfNullOrWhiteSpace(setup.Name);
        var policy = setup.Policy is { } p ? Versioned(p, setup.Actor) : null;
        S.Name = setup.Name;
        if (setup.Supervisors is { } supervisors) S.Supervisors = [.. supervisors.Distinct(StringComparer.Ordinal)];
        if (policy is not null) Install(policy, setup.Actor);
        await _state.SaveAsync();
        await GrainFactory.GetGrain<IRegistryGrain>(RegistryGrain.Root).AddDistrict(Id); // so clients can list districts
        return Snapshot();
    }

    public async Task<Policy> SetPolicy(Policy policy, string actor)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var next = Versioned(policy, actor);
        Install(next, actor);
        await _state.SaveAsync();
        return next;
    }

    /// <summary>The policy as it will be stored: validated (every problem named by field) and given the next version.</summary>
    private Policy Versioned(Policy policy, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return (policy with { Version = Current.Version + 1 }).EnsureValid();
    }

    private void Install(Policy policy, string actor)
    {
        if (S.PolicyHistory.Count == 0 && S.Policy is null)
            S.PolicyHistory.Add(new PolicyVersionInfo(Policy.Default.Name, Policy.Default.Version, null, "default"));
        S.Policy = policy;
        S.PolicyHistory.Add(new PolicyVersionInfo(policy.Name, policy.Version, Clock.GetCurrentInstant(), actor));
    }

    public Task<Policy> GetPolicy()
    {
        // Asked on nearly every command of every case, enterprise and contact point: one completed task per policy in force.
        var current = Current;
        if (_policyTask is null || !ReferenceEquals(_policyTask.Result, current)) _policyTask = Task.FromResult(current);
        return _policyTask;
    }

    private Task<Policy>? _policyTask;

    public async Task<ParkInfo> AddPark(string parkId, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parkId);
        if (!S.Parks.Contains(parkId))
        {
            S.Parks.Add(parkId);
            await _state.SaveAsync();
        }

        return await GrainFactory.GetGrain<IParkGrain>(parkId).Configure(Id, name);
    }

    public async Task AddDepartment(string departmentId, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(departmentId);
        if (!S.Departments.Contains(departmentId))
        {
            S.Departments.Add(departmentId);
            await _state.SaveAsync();
        }

        await GrainFactory.GetGrain<IDepartmentGrain>(departmentId).Configure(Id, name);
    }

    public async Task RegisterTour(string tourId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tourId);
        if (S.Tours.Contains(tourId)) return;
        S.Tours.Add(tourId);
        await _state.SaveAsync();
    }

    /// <summary>Registers the steps of the report the district has not registered yet (the case says how many it
    /// registered before; a replayed report is recognised by its revision) and a new clarification.</summary>
    public async Task OnCaseReport(CaseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var caseId = report.Case.CaseId;
        if (!S.Ledger.Accept(caseId, report.Revision, active: !report.Case.Closed)) return;
        var before = Math.Clamp(report.EscalationsReported, 0, report.Escalations.Count);
        if (before == 0 && report.Escalations.Count > 0) S.EscalatedCases++;
        for (var i = before; i < report.Escalations.Count; i++)
        {
            var e = report.Escalations[i];
            S.Escalations = S.Escalations.Add(e.Step);
            var department = e.DepartmentId ?? Unassigned;
            S.EscalationsByDepartment[department] = S.EscalationsByDepartment.GetValueOrDefault(department).Add(e.Step);
            S.RecentEscalations.Add(new EscalationNotice(caseId, report.Case.ParkId, report.Case.EnterpriseId, e));
        }

        if (S.RecentEscalations.Count > RecentCapacity) S.RecentEscalations.RemoveRange(0, S.RecentEscalations.Count - RecentCapacity);
        if (report.Clarification is { } clarification && !report.ClarificationReported)
            S.Clarifications.Add(new ClarificationNotice(caseId, report.Case.ParkId, clarification.CadreId, clarification.Statement, report.At));
        await _state.SaveAsync();
    }

    public Task<DistrictSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public Task<IReadOnlyList<string>> ListParks() => Task.FromResult<IReadOnlyList<string>>(S.Parks.ToArray());

    public Task<IReadOnlyList<string>> ListDepartments() => Task.FromResult<IReadOnlyList<string>>(S.Departments.ToArray());

    public Task<IReadOnlyList<EscalationNotice>> ListEscalations() => Task.FromResult<IReadOnlyList<EscalationNotice>>(S.RecentEscalations.ToArray());

    public Task<IReadOnlyList<ClarificationNotice>> ListClarifications() => Task.FromResult<IReadOnlyList<ClarificationNotice>>(S.Clarifications.ToArray());

    public async Task<KpiTally> GetKpiTally()
    {
        var tallies = await Task.WhenAll(S.Parks.ToArray().Select(p => GrainFactory.GetGrain<IParkGrain>(p).GetKpiTally()));
        return KpiTally.Combine(tallies);
    }

    public async Task<KpiReport> GetKpis() => KpiCalculator.Report(await GetKpiTally(), _kpiOptions);

    private DistrictSnapshot Snapshot() => new(
        Id, S.Name ?? Id, Current,
        S.PolicyHistory.Count > 0 ? S.PolicyHistory.ToArray() : [new PolicyVersionInfo(Policy.Default.Name, Policy.Default.Version, null, "default")],
        S.Supervisors.ToArray(), S.Parks.ToArray(), S.Departments.ToArray(), S.Tours.ToArray(),
        S.Escalations,
        new SortedDictionary<string, EscalationCounts>(S.EscalationsByDepartment, StringComparer.Ordinal),
        S.EscalatedCases,
        S.Clarifications.Count);
}
