using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NodaTime;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Sla;

namespace ParkGrid.Domain.Cases;

/// <summary>An illegal action on a case. The message names the case, its current status and the attempted action.</summary>
public sealed class CaseRuleException(string caseId, CaseStatus status, CaseAction action, string message) : DomainRuleException(message)
{
    public string CaseId { get; } = caseId;
    public CaseStatus Status { get; } = status;
    public CaseAction Action { get; } = action;
}

/// <summary>One entry of a case's append-only history: who did what when, and the status before and after
/// (equal for actions that do not change the status; <see cref="From"/> is null for the receipt).</summary>
public sealed record CaseEvent(int Sequence, Instant At, string Actor, CaseAction Action, CaseStatus? From, CaseStatus To, string? Detail);

/// <summary>A clarification (澄清正名) issued for a cadre whom an unfounded clue accused (seed 003: 46 cadres cleared).</summary>
public sealed record ClarificationRecord(string CadreId, string Statement);

/// <summary>A follow-up visit (回访) verdict: the enterprise's satisfaction 0–100 and whether the problem is solved.</summary>
public sealed record FollowUpRecord(Instant At, string Actor, int SatisfactionScore, bool Resolved, string? Note);

/// <summary>An escalation step recorded on the case against one of its clocks.</summary>
/// <param name="ClockIndex">Index into <see cref="CaseRecord.Clocks"/>.</param>
/// <param name="DueDay">The working day the step fell due.</param>
/// <param name="DepartmentId">The department the step is addressed to (null before assignment).</param>
public sealed record EscalationRecord(EscalationStep Step, SlaKind Clock, int ClockIndex, LocalDate DueDay, Instant RecordedAt, string Actor, string? DepartmentId);

/// <summary>An SLA clock of a case, with its kind.</summary>
public sealed record CaseClock(SlaKind Kind, SlaClock Clock);

/// <summary>What is known when a clue is received.</summary>
/// <param name="CaseId">The case's key, e.g. "case/xa-2025-0001".</param>
/// <param name="AccusedCadreId">The cadre the clue accuses, if any; an unfounded finding then requires a clarification record.</param>
public sealed record CaseIntake(
    string CaseId,
    CaseChannel Channel,
    CaseCategory Category,
    string EnterpriseId,
    string ParkId,
    string? Summary = null,
    string? AccusedCadreId = null);

/// <summary>
/// A case (问题线索 / 诉求) and its full, append-only history. Immutable: it is created and changed only by
/// <see cref="CaseLifecycle"/>, every change returning a new record whose <see cref="History"/> is the old one plus
/// new events. Serialisable with System.Text.Json (private setters are marked <see cref="JsonIncludeAttribute"/>).
/// </summary>
public sealed record CaseRecord
{
    [JsonConstructor]
    internal CaseRecord()
    {
    }

    [JsonInclude] public string Id { get; internal init; } = "";
    [JsonInclude] public CaseChannel Channel { get; internal init; }
    [JsonInclude] public CaseCategory Category { get; internal init; }
    [JsonInclude] public string EnterpriseId { get; internal init; } = "";
    [JsonInclude] public string ParkId { get; internal init; } = "";
    [JsonInclude] public string? Summary { get; internal init; }
    [JsonInclude] public string? AccusedCadreId { get; internal init; }
    [JsonInclude] public CaseStatus Status { get; internal init; }
    [JsonInclude] public Instant ReceivedAt { get; internal init; }

    /// <summary>The department the case is assigned to (交办), once assigned.</summary>
    [JsonInclude] public string? DepartmentId { get; internal init; }

    /// <summary>Every clock the case has run, oldest first (a reopened case gets a fresh rectify clock).</summary>
    [JsonInclude] public ImmutableArray<CaseClock> Clocks { get; internal init; } = [];

    [JsonInclude] public ImmutableArray<EscalationRecord> Escalations { get; internal init; } = [];
    [JsonInclude] public ImmutableArray<FollowUpRecord> FollowUps { get; internal init; } = [];
    [JsonInclude] public ClarificationRecord? Clarification { get; internal init; }

    /// <summary>The error was declared made in good faith (容错): with the policy's fault tolerance on, escalation holds at step 1 during the grace period.</summary>
    [JsonInclude] public bool GoodFaith { get; internal init; }

    /// <summary>When the follow-up visit is due (set by the rectification report).</summary>
    [JsonInclude] public LocalDate? FollowUpDueOn { get; internal init; }

    /// <summary>When the look-back (整改回头看) of an inspection-tour finding is due (set at resolution).</summary>
    [JsonInclude] public LocalDate? LookBackDueOn { get; internal init; }

    /// <summary>When the case was last closed (Unfounded or Resolved); null while open.</summary>
    [JsonInclude] public Instant? ClosedAt { get; internal init; }

    /// <summary>The policy (name and version) in force at the last change.</summary>
    [JsonInclude] public string PolicyName { get; internal init; } = "";
    [JsonInclude] public int PolicyVersion { get; internal init; }

    /// <summary>The append-only history, oldest first.</summary>
    [JsonInclude] public ImmutableArray<CaseEvent> History { get; internal init; } = [];

    [JsonIgnore] public bool IsClosed => CaseLifecycle.IsClosed(Status);

    /// <summary>How many times the case was reopened.</summary>
    [JsonIgnore]
    public int ReopenCount
    {
        get
        {
            // Loops over the lists' own enumerators: these are read several times per case event, and LINQ boxes an enumerator each time.
            var n = 0;
            foreach (var e in History)
                if (e.Action == CaseAction.Reopen) n++;
            return n;
        }
    }

    /// <summary>The enterprise's satisfaction at the last follow-up (0–100), if any.</summary>
    [JsonIgnore] public int? Satisfaction => FollowUps.Length > 0 ? FollowUps[^1].SatisfactionScore : null;

    /// <summary>The highest escalation step ever recorded, or null.</summary>
    [JsonIgnore]
    public EscalationStep? EscalationLevel
    {
        get
        {
            EscalationStep? max = null;
            foreach (var e in Escalations)
                if (max is null || e.Step > max) max = e.Step;
            return max;
        }
    }

    /// <summary>The clock currently running or paused (not stopped), if any.</summary>
    [JsonIgnore] public CaseClock? ActiveClock => Clocks.LastOrDefault(c => !c.Clock.IsStopped);

    /// <summary>The latest clock of a kind, if any.</summary>
    public CaseClock? LatestClock(SlaKind kind) => Latest(Clocks, kind);

    // A loop, not LastOrDefault with a lambda: the lambda captures the kind, so each call made a closure and a delegate (KPI
    // tallies ask for clocks by kind at every case change).
    internal static CaseClock? Latest(ImmutableArray<CaseClock> clocks, SlaKind kind)
    {
        for (var i = clocks.Length - 1; i >= 0; i--)
            if (clocks[i].Kind == kind)
                return clocks[i];
        return null;
    }

    /// <summary>When the case was last resolved, if it ever was.</summary>
    [JsonIgnore] public Instant? ResolvedAt => History.LastOrDefault(e => e.Action == CaseAction.Resolve)?.At;
}
