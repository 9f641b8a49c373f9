using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;

namespace ParkGrid.Grains;

/// <summary>Registers an enterprise (企业) in a park.</summary>
/// <param name="AboveDesignatedSize">规上: above designated size.</param>
/// <param name="Commissioner">The enterprise commissioner (驻企特派员), if any.</param>
public sealed record EnterpriseProfile(
    string ParkId,
    string Name,
    string Industry = "",
    bool AboveDesignatedSize = true,
    string? Commissioner = null);

/// <summary>A problem an enterprise has. With a <see cref="Channel"/> (12345, 12388, QR code, direct report) it is filed
/// as a case at once; without one it stays latent until a contact point's visit surfaces it, or a look-back finds it as a recurrence.</summary>
public sealed record ProblemReport(
    CaseCategory Category,
    string? Summary = null,
    CaseChannel? Channel = null,
    string? AccusedCadreId = null,
    string? ReporterContact = null);

/// <summary>What became of a reported problem: the case filed for it, or still latent.</summary>
public sealed record ProblemOutcome(string EnterpriseId, string? CaseId, int PendingProblems);

/// <summary>A latent problem of an enterprise, not filed yet.</summary>
public sealed record PendingProblem(int Number, CaseCategory Category, string? Summary, string? AccusedCadreId, Instant At);

/// <summary>A contact point's visit (走访) to an enterprise, with the follow-ups (回访) of its cases that are due.</summary>
public sealed record VisitRequest(string ContactPointId, string CadreId, IReadOnlyList<CaseSummary> FollowUps);

/// <summary>The enterprise's verdict on a follow-up: solved (resolve) or not (reopen), with its satisfaction 0–100.</summary>
public sealed record FollowUpVerdict(string CaseId, bool Resolved, int Score, string Note);

/// <summary>What a visit found: cases filed for the latent problems it surfaced, and the follow-up verdicts.</summary>
public sealed record VisitOutcome(string EnterpriseId, IReadOnlyList<string> RaisedCaseIds, IReadOnlyList<FollowUpVerdict> Verdicts);

/// <summary>An inspection recorded at an enterprise and the enterprise's burden in its visit's quarter.</summary>
/// <param name="RaisedCaseId">The "too many inspections" case this inspection raised (at most one per enterprise and quarter).</param>
public sealed record InspectionOutcome(string EnterpriseId, string InspectionId, Quarter Quarter, int Inspections, int Visits, bool OverThreshold, string? RaisedCaseId);

/// <summary>A subsidy (奖补资金) a department promised the enterprise.</summary>
public sealed record SubsidyInput(string Id, string DepartmentId, decimal Amount, LocalDate PromisedOn);

/// <summary>A subsidy with its grace end (fixed by the policy in force when it was promised) and the case it raised, if any.</summary>
public sealed record SubsidyView(SubsidyPromise Promise, LocalDate GraceEnds, string? CaseId);

/// <summary>An unpaid subsidy as a park keeps it, to judge delay and overdue at any instant.</summary>
public sealed record OpenSubsidy(string EnterpriseId, string SubsidyId, LocalDate PromisedOn, LocalDate GraceEnds);

/// <summary>What an enterprise tells its park after its inspections or paid subsidies changed (idempotent by revision).</summary>
/// <param name="Previous">Its KPI contribution (inspections, visits, quarters over threshold, paid subsidies) as last reported.</param>
/// <param name="OpenSubsidies">Every unpaid subsidy (replaces the previous list).</param>
public sealed record EnterpriseReport(string EnterpriseId, long Revision, EnterpriseContribution Previous, EnterpriseContribution Current, IReadOnlyList<OpenSubsidy> OpenSubsidies);

/// <summary>An enterprise as a client reads it.</summary>
/// <param name="Satisfaction">Mean of the last follow-up scores of its rated cases (0–100), if any.</param>
/// <param name="SatisfiedScore">The score it gives at a follow-up when its problem is solved.</param>
/// <param name="UnsatisfiedScore">The score it gives when it is not.</param>
/// <param name="Burden">Inspections and visits (after joint-inspection merging) per quarter, for the quarters it keeps.</param>
/// <param name="BurdenCases">Quarter ("2025Q4") → the "too many inspections" case raised for it.</param>
public sealed record EnterpriseSnapshot(
    string Id,
    string? ParkId,
    string? DistrictId,
    string Name,
    string Industry,
    bool AboveDesignatedSize,
    string? Commissioner,
    string? ContactPointId,
    LocalDate? RegisteredOn,
    IReadOnlyList<CaseSummary> OpenCases,
    int CasesTotal,
    double? Satisfaction,
    int SatisfiedScore,
    int UnsatisfiedScore,
    IReadOnlyList<PendingProblem> PendingProblems,
    IReadOnlyList<InspectionBurden> Burden,
    IReadOnlyList<Inspection> Inspections,
    IReadOnlyList<SubsidyView> Subsidies,
    IReadOnlyDictionary<string, string> BurdenCases,
    IReadOnlyList<string> PendingCaseFilings);
