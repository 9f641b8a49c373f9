using NodaTime;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Grains;

/// <summary>Sets up a district (区 / 纪委监委): its name, supervisors (廉情监督员) and the policy in force.</summary>
public sealed record DistrictSetup(string Name, IReadOnlyList<string>? Supervisors = null, Policy? Policy = null, string Actor = "setup");

/// <summary>One version of the district's policy and when it took effect (null: the default baseline, in force from the start).</summary>
public sealed record PolicyVersionInfo(string Name, int Version, Instant? EffectiveFrom, string Actor);

/// <summary>An escalation step as the district (and a department) registers it.</summary>
public sealed record EscalationNotice(string CaseId, string ParkId, string EnterpriseId, EscalationRecord Escalation);

/// <summary>A clarification (澄清正名) issued for a cadre wrongly accused, as the district registers it.</summary>
public sealed record ClarificationNotice(string CaseId, string ParkId, string CadreId, string Statement, Instant At);

/// <summary>A district as a client reads it. <see cref="Escalations"/> counts every step recorded on its cases.</summary>
public sealed record DistrictSnapshot(
    string Id,
    string Name,
    Policy Policy,
    IReadOnlyList<PolicyVersionInfo> PolicyHistory,
    IReadOnlyList<string> Supervisors,
    IReadOnlyList<string> Parks,
    IReadOnlyList<string> Departments,
    IReadOnlyList<string> Tours,
    EscalationCounts Escalations,
    IReadOnlyDictionary<string, EscalationCounts> EscalationsByDepartment,
    int EscalatedCases,
    int Clarifications);

/// <summary>Who a park is and which district it belongs to.</summary>
public sealed record ParkInfo(string Id, string? DistrictId, string Name);

/// <summary>An enterprise of a park, as the park lists it.</summary>
public sealed record ParkEnterprise(string EnterpriseId, string Name, LocalDate RegisteredOn, bool AboveDesignatedSize, string? ContactPointId);

/// <summary>A contact point (营商环境监督联系点) of a park and the enterprises it covers.</summary>
public sealed record ParkContactPoint(string ContactPointId, string HostEnterpriseId, string SupervisorCadreId, IReadOnlyList<string> Enterprises);

/// <summary>A contact point's visit totals (absolute, so delivery is idempotent).</summary>
public sealed record ContactPointReport(string ContactPointId, long VisitsMade, long VisitCapacity);

/// <summary>A park as a client reads it; KPIs come from <see cref="IParkGrain.GetKpis"/>.</summary>
public sealed record ParkSnapshot(
    string Id,
    string? DistrictId,
    string Name,
    int Enterprises,
    int ContactPoints,
    int CasesTotal,
    int OpenCases,
    int OverdueCases,
    IReadOnlyDictionary<CaseStatus, int> OpenByStatus,
    IReadOnlyDictionary<CaseCategory, int> OpenByCategory);

/// <summary>An inspection a department plans at an enterprise (its id defaults to department-enterprise-date).</summary>
public sealed record PlannedInspection(string EnterpriseId, LocalDate Date, string? Id = null);

/// <summary>A department (职能部门) as a client reads it: its KPIs and 三评 rating come from the cases assigned to it.</summary>
public sealed record DepartmentSnapshot(
    string Id,
    string? DistrictId,
    string Name,
    int OpenAssignments,
    DepartmentTally Tally,
    DepartmentKpi Kpi,
    IReadOnlyList<EscalationNotice> RecentEscalations,
    int PlannedInspections,
    int InspectionsDone,
    LocalDate? NextInspectionOn);

/// <summary>Sets up a contact point: host enterprise, liaison (联络员), supervising cadre and the enterprises it covers.</summary>
/// <param name="VisitCapacityPerRound">Visits the supervisor can make per round (default: every covered enterprise).</param>
/// <param name="FirstVisitOn">The first round's day (default: today); later rounds follow every visitCadence.</param>
public sealed record ContactPointSetup(
    string ParkId,
    string HostEnterpriseId,
    string LiaisonId,
    string SupervisorCadreId,
    IReadOnlyList<string> Enterprises,
    int? VisitCapacityPerRound = null,
    LocalDate? FirstVisitOn = null);

/// <summary>One round of visits of a contact point.</summary>
/// <param name="MissedRounds">Rounds that fell due while nothing ran (after downtime) and were folded into this one.</param>
public sealed record VisitRound(
    int Number,
    LocalDate Day,
    Instant At,
    int MissedRounds,
    IReadOnlyList<string> Visited,
    IReadOnlyList<string> RaisedCaseIds,
    int FollowUps,
    int Resolved,
    int Reopened);

/// <summary>A contact point as a client reads it.</summary>
public sealed record ContactPointSnapshot(
    string Id,
    string? ParkId,
    string? HostEnterpriseId,
    string? LiaisonId,
    string? SupervisorCadreId,
    IReadOnlyList<string> Enterprises,
    Period Cadence,
    LocalDate? NextVisitOn,
    int Rounds,
    long VisitsMade,
    long VisitCapacity,
    long CasesRaised,
    long FollowUpsDone,
    IReadOnlyList<VisitRound> RecentRounds);

/// <summary>What an inspection tour (巡察) examines.</summary>
public enum TourTarget
{
    Park,
    Department,
}

/// <summary>Sets up an inspection tour.</summary>
public sealed record TourSetup(string DistrictId, string Name, TourTarget TargetKind, string TargetId);

/// <summary>A finding of an inspection tour, filed as a case (channel InspectionTourFinding).</summary>
public sealed record FindingInput(string EnterpriseId, string ParkId, CaseCategory Category, string Summary, string Actor, string? AccusedCadreId = null);

/// <summary>An inspection tour as a client reads it: its findings (cases) and the next look-back (整改回头看).</summary>
public sealed record TourSnapshot(
    string Id,
    string? DistrictId,
    string Name,
    TourTarget TargetKind,
    string? TargetId,
    IReadOnlyList<CaseSummary> Findings,
    LocalDate? NextLookBackOn,
    int Recurrences,
    int LookBacksPassed);
