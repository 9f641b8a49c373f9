using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Grains.Internal;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

public sealed class InspectionTourState
{
    public string? DistrictId { get; set; }
    public string? Name { get; set; }
    public TourTarget TargetKind { get; set; }
    public string? TargetId { get; set; }
    public int FindingCounter { get; set; }

    /// <summary>Finding case ids in the order they were filed.</summary>
    public List<string> FindingIds { get; set; } = [];

    public Dictionary<string, CaseSummary> Findings { get; set; } = new(StringComparer.Ordinal);
    public DeliveryLedger Ledger { get; set; } = new();
    public int Recurrences { get; set; }
    public int LookBacksPassed { get; set; }
}

/// <summary>
/// An inspection tour (巡察): files its findings as cases (channel InspectionTourFinding) and follows them through
/// their reports: when each is resolved its look-back (整改回头看) falls due lookBackAfter later; the finding's case runs
/// the look-back on that day and reopens on a recurrence. The tour only files new cases; it never calls an existing one.
/// </summary>
public sealed class InspectionTourGrain : Grain, IInspectionTourGrain
{
    private readonly IPersistentState<InspectionTourState> _state;

    public InspectionTourGrain([PersistentState("tour")] IPersistentState<InspectionTourState> state) => _state = state;

    private InspectionTourState S => _state.State;
    private string Id => GetPrimaryKeyString();

    public async Task<TourSnapshot> Configure(TourSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentException.ThrowIfNullOrWhiteSpace(setup.DistrictId);
        ArgumentException.ThrowIfNullOrWhiteSpace(setup.TargetId);
        S.DistrictId = setup.DistrictId;
        S.Name = setup.Name;
        S.TargetKind = setup.TargetKind;
        S.TargetId = setup.TargetId;
        await _state.SaveAsync();
        await GrainFactory.GetGrain<IDistrictGrain>(setup.DistrictId).RegisterTour(Id);
        return Snapshot();
    }

    public async Task<string> AddFinding(FindingInput finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (S.DistrictId is null) throw new InvalidOperationException($"Inspection tour '{Id}' is not configured.");
        var caseId = $"{Id}-f{S.FindingCounter + 1:00}";
        S.FindingCounter++;
        if (!S.FindingIds.Contains(caseId)) S.FindingIds.Add(caseId);
        await _state.SaveAsync(); // the id is taken before the case exists: a retry files under a new id, never twice under one
        var snapshot = await GrainFactory.GetGrain<ICaseGrain>(caseId).Receive(new FileCase(
            CaseChannel.InspectionTourFinding, finding.Category, finding.EnterpriseId, finding.ParkId, finding.Actor,
            finding.Summary, finding.AccusedCadreId, TourId: Id));
        if (!S.Findings.ContainsKey(caseId))
        {
            S.Findings[caseId] = CaseSummaries.Of(snapshot.Record, Id, snapshot.Record.ReceivedAt);
            await _state.SaveAsync();
        }

        return caseId;
    }

    public async Task OnCaseReport(CaseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = report.Case;
        if (!S.Ledger.Accept(c.CaseId, report.Revision, active: true)) return;
        if (S.Findings.TryGetValue(c.CaseId, out var before) && before.Status == CaseStatus.Resolved)
        {
            if (c.ReopenCount > before.ReopenCount) S.Recurrences++;
            else if (before.LookBackDueOn is not null && c.Status == CaseStatus.Resolved && c.LookBackDueOn is null) S.LookBacksPassed++;
        }

        if (!S.FindingIds.Contains(c.CaseId)) S.FindingIds.Add(c.CaseId);
        S.Findings[c.CaseId] = c;
        await _state.SaveAsync();
    }

    public Task<TourSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    private TourSnapshot Snapshot()
    {
        var findings = S.FindingIds.Where(S.Findings.ContainsKey).Select(id => S.Findings[id]).ToArray();
        LocalDate? next = null;
        foreach (var f in findings)
            if (f.Status == CaseStatus.Resolved && f.LookBackDueOn is { } d && (next is null || d < next)) next = d;
        return new TourSnapshot(Id, S.DistrictId, S.Name ?? Id, S.TargetKind, S.TargetId, findings, next, S.Recurrences, S.LookBacksPassed);
    }
}
