using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Sla;

namespace ParkGrid.Grains;

/// <summary>A problem clue (问题线索 / 诉求) to be received as a case; the case grain's key is the case id.</summary>
/// <param name="Actor">Who files it (a clerk, "12345", a contact point's cadre, a monitor …): the first entry of the audit trail.</param>
/// <param name="AccusedCadreId">The cadre the clue accuses, if any: an unfounded finding then needs a clarification record (澄清正名).</param>
/// <param name="ReporterContact">How to reach the reporter; optional (a reporter may stay anonymous) and never part of a snapshot
/// (read it with <see cref="ICaseGrain.GetReporterContact"/>, which a gateway must reserve to supervisors).</param>
/// <param name="TourId">The inspection tour whose finding this is, if any.</param>
public sealed record FileCase(
    CaseChannel Channel,
    CaseCategory Category,
    string EnterpriseId,
    string ParkId,
    string Actor,
    string? Summary = null,
    string? AccusedCadreId = null,
    string? ReporterContact = null,
    string? TourId = null);

/// <summary>An SLA clock as a client sees it, judged at the snapshot's instant.</summary>
public sealed record ClockView(
    SlaKind Kind,
    int WorkingDays,
    Instant StartedAt,
    LocalDate? DeadlineDate,
    Instant? Deadline,
    bool Paused,
    bool Stopped,
    bool Breached,
    int RemainingWorkingDays,
    int OverdueWorkingDays,
    int PausedWorkingDays);

/// <summary>
/// A case as a client reads it: the domain record with its full append-only history, plus what the grain knows
/// around it. <see cref="PendingDelivery"/> lists the grains (park, department …) not yet told of the latest change.
/// </summary>
public sealed record CaseSnapshot(
    CaseRecord Record,
    string? DistrictId,
    string? TourId,
    bool Overdue,
    ClockView? ActiveClock,
    IReadOnlyList<CaseAction> AllowedActions,
    Instant? NextWakeAt,
    IReadOnlyList<string> PendingDelivery,
    string? LastDeliveryError)
{
    public string Id => Record.Id;
    public CaseStatus Status => Record.Status;
}

/// <summary>One line of a case list (a park's open cases, a department's assignments, an enterprise's cases, a tour's findings).</summary>
/// <param name="ActiveClock">The kind of the clock running or paused, if any.</param>
/// <param name="DeadlineDate">Its last day (null while paused or when none runs).</param>
/// <param name="Overdue">The active clock is breached.</param>
/// <param name="Closed">Unfounded or Resolved.</param>
public sealed record CaseSummary(
    string CaseId,
    CaseChannel Channel,
    CaseCategory Category,
    CaseStatus Status,
    string EnterpriseId,
    string ParkId,
    string? DepartmentId,
    string? TourId,
    Instant ReceivedAt,
    SlaKind? ActiveClock,
    LocalDate? DeadlineDate,
    bool Overdue,
    EscalationStep? EscalationLevel,
    LocalDate? FollowUpDueOn,
    LocalDate? LookBackDueOn,
    int? Satisfaction,
    int ReopenCount,
    bool Closed);

/// <summary>Which open cases to list.</summary>
public sealed record CaseFilter(
    CaseStatus? Status = null,
    CaseCategory? Category = null,
    string? EnterpriseId = null,
    string? DepartmentId = null,
    bool OverdueOnly = false,
    int Limit = 500);

/// <summary>
/// What a case tells the grains that index it (park, enterprise, departments, district, tour) after it changed.
/// Deliveries are idempotent: a receiver applies a case's revisions in order and ignores one it has seen.
/// </summary>
/// <param name="Revision">The case's change counter; increases with every reported change.</param>
/// <param name="Previous">The case's KPI contribution as last reported (<see cref="CaseContribution.None"/> the first time).</param>
/// <param name="Current">Its contribution now: a park replaces Previous by Current in its running tally.</param>
/// <param name="Escalations">Every escalation step recorded on the case so far, oldest first.</param>
/// <param name="EscalationsReported">How many of them the district registered already (the rest are new to it).</param>
/// <param name="ClarificationReported">The district registered the clarification already.</param>
public sealed record CaseReport(
    long Revision,
    Instant At,
    CaseSummary Case,
    string? DistrictId,
    CaseContribution Previous,
    CaseContribution Current,
    IReadOnlyList<EscalationRecord> Escalations,
    ClarificationRecord? Clarification,
    int EscalationsReported = 0,
    bool ClarificationReported = false);

/// <summary>The outcome of a look-back (整改回头看) of an inspection-tour finding.</summary>
public sealed record LookBackVerdict(bool Recurred, string Note);
