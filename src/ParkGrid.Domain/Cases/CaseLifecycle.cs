using System.Collections.Frozen;
using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Sla;

namespace ParkGrid.Domain.Cases;

/// <summary>One row of the transition table. For actions that keep the status, <see cref="To"/> equals <see cref="From"/>.</summary>
public sealed record CaseTransition(CaseStatus From, CaseAction Action, CaseStatus To);

/// <summary>
/// The case lifecycle: the transition table and the operations that apply it to a <see cref="CaseRecord"/>.
/// <code>
/// Received ──StartVerification──▶ Verifying ──MarkUnfounded──▶ Unfounded (closed; 澄清正名 if a cadre was accused)
///                                          └──Substantiate───▶ Substantiated ──Assign──▶ Assigned ──StartRectification──▶ Rectifying
/// Rectifying ──ReportRectification──▶ RectificationReported ──MarkFollowUpDue──▶ FollowUpDue ──Resolve──▶ Resolved (closed)
/// FollowUpDue ──Reopen──▶ Reopened;  Resolved ──Reopen (look-back recurrence)──▶ Reopened;  Resolved ──PassLookBack──▶ Resolved
/// Reopened ──Assign──▶ Assigned;  Reopened ──StartRectification──▶ Rectifying
/// </code>
/// Status-keeping actions: PauseClock/ResumeClock where a clock runs (Received, Verifying, Assigned, Rectifying);
/// Escalate and DeclareGoodFaith in every open status.
/// <para>Clocks: Acknowledge runs from receipt to StartVerification (policy ackWithin); Verify from StartVerification to
/// the finding (verifyWithin); Rectify from Assign — or from Reopened → StartRectification — to ReportRectification
/// (rectifyWithin[category]). Each clock keeps the N of the policy in force when it started.</para>
/// <para>Every operation checks the table (an illegal one throws <see cref="CaseRuleException"/> naming the status and
/// the action), refuses instants earlier than the last event, and appends one event per change to the history.</para>
/// </summary>
public sealed class CaseLifecycle
{
    private static readonly CaseAction[] InPlaceEverywhereOpen = [CaseAction.Escalate, CaseAction.DeclareGoodFaith];
    private static readonly CaseAction[] ClockActions = [CaseAction.PauseClock, CaseAction.ResumeClock];

    /// <summary>The complete transition table.</summary>
    public static IReadOnlyList<CaseTransition> Table { get; } = BuildTable();

    private static readonly FrozenDictionary<(CaseStatus, CaseAction), CaseStatus> Lookup =
        Table.ToFrozenDictionary(t => (t.From, t.Action), t => t.To);

    // Every case snapshot lists its allowed actions: one read-only list per status instead of a query per snapshot.
    private static readonly FrozenDictionary<CaseStatus, IReadOnlyList<CaseAction>> Allowed = Enum.GetValues<CaseStatus>().ToFrozenDictionary(
        s => s, s => (IReadOnlyList<CaseAction>)Array.AsReadOnly(Table.Where(t => t.From == s).Select(t => t.Action).ToArray()));

    private static List<CaseTransition> BuildTable()
    {
        var table = new List<CaseTransition>
        {
            new(CaseStatus.Received, CaseAction.StartVerification, CaseStatus.Verifying),
            new(CaseStatus.Verifying, CaseAction.MarkUnfounded, CaseStatus.Unfounded),
            new(CaseStatus.Verifying, CaseAction.Substantiate, CaseStatus.Substantiated),
            new(CaseStatus.Substantiated, CaseAction.Assign, CaseStatus.Assigned),
            new(CaseStatus.Assigned, CaseAction.StartRectification, CaseStatus.Rectifying),
            new(CaseStatus.Rectifying, CaseAction.ReportRectification, CaseStatus.RectificationReported),
            new(CaseStatus.RectificationReported, CaseAction.MarkFollowUpDue, CaseStatus.FollowUpDue),
            new(CaseStatus.FollowUpDue, CaseAction.Resolve, CaseStatus.Resolved),
            new(CaseStatus.FollowUpDue, CaseAction.Reopen, CaseStatus.Reopened),
            new(CaseStatus.Resolved, CaseAction.Reopen, CaseStatus.Reopened),
            new(CaseStatus.Resolved, CaseAction.PassLookBack, CaseStatus.Resolved),
            new(CaseStatus.Reopened, CaseAction.Assign, CaseStatus.Assigned),
            new(CaseStatus.Reopened, CaseAction.StartRectification, CaseStatus.Rectifying),
        };
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            if (IsClosed(status)) continue;
            foreach (var action in InPlaceEverywhereOpen) table.Add(new(status, action, status));
            if (status is CaseStatus.Received or CaseStatus.Verifying or CaseStatus.Assigned or CaseStatus.Rectifying)
                foreach (var action in ClockActions) table.Add(new(status, action, status));
        }

        return table;
    }

    /// <summary>Unfounded and Resolved are closed (a Resolved case may still be reopened by a look-back).</summary>
    public static bool IsClosed(CaseStatus status) => status is CaseStatus.Unfounded or CaseStatus.Resolved;

    public static bool IsAllowed(CaseStatus from, CaseAction action) => Lookup.ContainsKey((from, action));

    /// <summary>The actions allowed in <paramref name="from"/>, in table order.</summary>
    public static IReadOnlyList<CaseAction> AllowedActions(CaseStatus from) =>
        Allowed.TryGetValue(from, out var actions) ? actions : [];

    /// <summary>The status after <paramref name="action"/> in <paramref name="from"/>.</summary>
    /// <exception cref="CaseRuleException">The action is not allowed there.</exception>
    public static CaseStatus Next(CaseStatus from, CaseAction action, string caseId = "?") =>
        Lookup.TryGetValue((from, action), out var to) ? to : throw Illegal(caseId, from, action);

    private static CaseRuleException Illegal(string caseId, CaseStatus from, CaseAction action)
    {
        var allowed = AllowedActions(from);
        var list = allowed.Count == 0 ? "none (the case is closed for good)" : string.Join(", ", allowed);
        return new CaseRuleException(caseId, from, action,
            $"Case {caseId} is {from} ({from.ToChinese()}); action {action} ({action.ToChinese()}) is not allowed in {from}. Allowed: {list}.");
    }

    public CaseLifecycle(Policy policy, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(calendar);
        Policy = policy.EnsureValid();
        Calendar = calendar;
    }

    /// <summary>The policy in force: it sets the N of clocks started from now on, escalation and follow-up timing.</summary>
    public Policy Policy { get; }

    public WorkingDayCalendar Calendar { get; }

    /// <summary>Receives a clue: a new case in Received with its acknowledgment clock running.</summary>
    public CaseRecord Receive(CaseIntake intake, string actor, Instant at)
    {
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentException.ThrowIfNullOrWhiteSpace(intake.CaseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(intake.EnterpriseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(intake.ParkId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!Enum.IsDefined(intake.Channel)) throw new ArgumentOutOfRangeException(nameof(intake), intake.Channel, "Unknown channel.");
        if (!Enum.IsDefined(intake.Category)) throw new ArgumentOutOfRangeException(nameof(intake), intake.Category, "Unknown category.");
        var record = new CaseRecord
        {
            Id = intake.CaseId,
            Channel = intake.Channel,
            Category = intake.Category,
            EnterpriseId = intake.EnterpriseId,
            ParkId = intake.ParkId,
            Summary = intake.Summary,
            AccusedCadreId = intake.AccusedCadreId,
            Status = CaseStatus.Received,
            ReceivedAt = at,
            Clocks = [new CaseClock(SlaKind.Acknowledge, SlaClock.Start("ack", at, Policy.AckWithin, Calendar))],
            PolicyName = Policy.Name,
            PolicyVersion = Policy.Version,
        };
        return record with
        {
            History = [new CaseEvent(1, at, actor, CaseAction.Receive, null, CaseStatus.Received,
                $"channel={intake.Channel} category={intake.Category} enterprise={intake.EnterpriseId}; ack clock {Policy.AckWithin} working days")],
        };
    }

    /// <summary>Received → Verifying: acknowledges the clue (stops the acknowledgment clock) and starts the verification clock.</summary>
    public CaseRecord StartVerification(CaseRecord c, string actor, Instant at)
    {
        var next = Begin(c, CaseAction.StartVerification, actor, at);
        var clocks = StopLatest(c, SlaKind.Acknowledge, at)
            .Add(new CaseClock(SlaKind.Verify, SlaClock.Start("verify", at, Policy.VerifyWithin, Calendar)));
        return Commit(c, next with { Clocks = clocks }, CaseAction.StartVerification, actor, at,
            $"ack clock stopped ({Outcome(clocks, SlaKind.Acknowledge)}); verify clock {Policy.VerifyWithin} working days");
    }

    /// <summary>Verifying → Unfounded (closed). If the clue accused a cadre, a clarification record (澄清正名) for that cadre is required.</summary>
    public CaseRecord MarkUnfounded(CaseRecord c, string actor, Instant at, ClarificationRecord? clarification = null, string? finding = null)
    {
        var next = Begin(c, CaseAction.MarkUnfounded, actor, at);
        if (c.AccusedCadreId is { } cadre)
        {
            if (clarification is null)
                throw new CaseRuleException(c.Id, c.Status, CaseAction.MarkUnfounded,
                    $"Case {c.Id} is {c.Status}; action MarkUnfounded needs a clarification record (澄清正名) for the accused cadre {cadre}.");
            if (clarification.CadreId != cadre)
                throw new CaseRuleException(c.Id, c.Status, CaseAction.MarkUnfounded,
                    $"Case {c.Id} is {c.Status}; action MarkUnfounded: the clarification names {clarification.CadreId} but the clue accused {cadre}.");
        }

        var clocks = StopLatest(c, SlaKind.Verify, at);
        return Commit(c, next with { Clocks = clocks, Clarification = clarification, ClosedAt = at }, CaseAction.MarkUnfounded, actor, at,
            Join($"verify clock stopped ({Outcome(clocks, SlaKind.Verify)})", finding, clarification is null ? null : $"clarification issued for {clarification.CadreId}"));
    }

    /// <summary>Verifying → Substantiated (基本属实): stops the verification clock.</summary>
    public CaseRecord Substantiate(CaseRecord c, string actor, Instant at, string? finding = null)
    {
        var next = Begin(c, CaseAction.Substantiate, actor, at);
        var clocks = StopLatest(c, SlaKind.Verify, at);
        return Commit(c, next with { Clocks = clocks }, CaseAction.Substantiate, actor, at,
            Join($"verify clock stopped ({Outcome(clocks, SlaKind.Verify)})", finding));
    }

    /// <summary>Substantiated or Reopened → Assigned (交办) to <paramref name="departmentId"/>: starts a rectification clock of rectifyWithin[category].</summary>
    public CaseRecord Assign(CaseRecord c, string actor, Instant at, string departmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(departmentId);
        var next = Begin(c, CaseAction.Assign, actor, at);
        var days = Policy.RectifyWithinFor(c.Category);
        var clocks = c.Clocks.Add(new CaseClock(SlaKind.Rectify, SlaClock.Start("rectify", at, days, Calendar)));
        return Commit(c, next with { Clocks = clocks, DepartmentId = departmentId }, CaseAction.Assign, actor, at,
            $"department={departmentId}; rectify clock {days} working days");
    }

    /// <summary>Assigned → Rectifying (the rectification clock keeps running), or Reopened → Rectifying with the same
    /// department (a fresh rectification clock starts).</summary>
    public CaseRecord StartRectification(CaseRecord c, string actor, Instant at)
    {
        var next = Begin(c, CaseAction.StartRectification, actor, at);
        if (c.Status == CaseStatus.Reopened)
        {
            if (c.DepartmentId is null)
                throw new CaseRuleException(c.Id, c.Status, CaseAction.StartRectification,
                    $"Case {c.Id} is {c.Status} but was never assigned to a department; use Assign.");
            var days = Policy.RectifyWithinFor(c.Category);
            var clocks = c.Clocks.Add(new CaseClock(SlaKind.Rectify, SlaClock.Start("rectify", at, days, Calendar)));
            return Commit(c, next with { Clocks = clocks }, CaseAction.StartRectification, actor, at,
                $"department={c.DepartmentId}; new rectify clock {days} working days");
        }

        return Commit(c, next, CaseAction.StartRectification, actor, at, $"department={c.DepartmentId}");
    }

    /// <summary>Rectifying → RectificationReported: stops the rectification clock; the follow-up falls due followUpAfter working days later.</summary>
    public CaseRecord ReportRectification(CaseRecord c, string actor, Instant at, string? report = null)
    {
        var next = Begin(c, CaseAction.ReportRectification, actor, at);
        var clocks = StopLatest(c, SlaKind.Rectify, at);
        var due = Calendar.AddWorkingDays(ChinaTime.DateOf(at), Policy.FollowUpAfter);
        return Commit(c, next with { Clocks = clocks, FollowUpDueOn = due }, CaseAction.ReportRectification, actor, at,
            Join($"rectify clock stopped ({Outcome(clocks, SlaKind.Rectify)}); follow-up due {due:uuuu-MM-dd}", report));
    }

    /// <summary>RectificationReported → FollowUpDue (回访): normally on <see cref="CaseRecord.FollowUpDueOn"/>, by a reminder.</summary>
    public CaseRecord MarkFollowUpDue(CaseRecord c, string actor, Instant at)
    {
        var next = Begin(c, CaseAction.MarkFollowUpDue, actor, at);
        return Commit(c, next, CaseAction.MarkFollowUpDue, actor, at, null);
    }

    /// <summary>FollowUpDue → Resolved (closed) with the enterprise's satisfaction (0–100). An inspection-tour finding
    /// gets a look-back (整改回头看) lookBackAfter later.</summary>
    public CaseRecord Resolve(CaseRecord c, string actor, Instant at, int satisfactionScore, string? note = null)
    {
        CheckScore(satisfactionScore);
        var next = Begin(c, CaseAction.Resolve, actor, at);
        LocalDate? lookBack = c.Channel == CaseChannel.InspectionTourFinding ? ChinaTime.DateOf(at).Plus(Policy.LookBackAfter) : null;
        return Commit(c, next with
        {
            FollowUps = c.FollowUps.Add(new FollowUpRecord(at, actor, satisfactionScore, true, note)),
            ClosedAt = at,
            LookBackDueOn = lookBack,
        }, CaseAction.Resolve, actor, at, Join($"satisfaction={satisfactionScore}", lookBack is { } d ? $"look-back due {d:uuuu-MM-dd}" : null, note));
    }

    /// <summary>FollowUpDue → Reopened (the follow-up found the problem unsolved; a satisfaction score is required), or
    /// Resolved → Reopened (a look-back or new report found a recurrence). Continue with Assign or StartRectification.</summary>
    public CaseRecord Reopen(CaseRecord c, string actor, Instant at, string reason, int? satisfactionScore = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var next = Begin(c, CaseAction.Reopen, actor, at);
        var followUps = c.FollowUps;
        if (c.Status == CaseStatus.FollowUpDue)
        {
            if (satisfactionScore is not { } score)
                throw new CaseRuleException(c.Id, c.Status, CaseAction.Reopen,
                    $"Case {c.Id} is {c.Status}; action Reopen after a follow-up needs the enterprise's satisfaction score.");
            CheckScore(score);
            followUps = followUps.Add(new FollowUpRecord(at, actor, score, false, reason));
        }
        else if (satisfactionScore is { } s)
        {
            CheckScore(s);
            followUps = followUps.Add(new FollowUpRecord(at, actor, s, false, reason));
        }

        return Commit(c, next with { FollowUps = followUps, ClosedAt = null, LookBackDueOn = null, FollowUpDueOn = null },
            CaseAction.Reopen, actor, at, Join(reason, satisfactionScore is { } sc ? $"satisfaction={sc}" : null));
    }

    /// <summary>Resolved → Resolved: the look-back found no recurrence.</summary>
    public CaseRecord PassLookBack(CaseRecord c, string actor, Instant at, string? note = null)
    {
        var next = Begin(c, CaseAction.PassLookBack, actor, at);
        return Commit(c, next with { LookBackDueOn = null }, CaseAction.PassLookBack, actor, at, note);
    }

    /// <summary>Pauses the running clock (e.g. waiting on the enterprise). See <see cref="SlaClock"/> for what a pause credits.</summary>
    public CaseRecord PauseClock(CaseRecord c, string actor, Instant at, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var next = Begin(c, CaseAction.PauseClock, actor, at);
        var (index, clock) = Active(c, CaseAction.PauseClock);
        if (clock.Clock.IsPaused)
            throw new CaseRuleException(c.Id, c.Status, CaseAction.PauseClock, $"Case {c.Id} is {c.Status}; action PauseClock: its {clock.Kind} clock is already paused.");
        if (clock.Clock.IsBreachedAt(at))
            throw new CaseRuleException(c.Id, c.Status, CaseAction.PauseClock, $"Case {c.Id} is {c.Status}; action PauseClock: its {clock.Kind} clock is overdue since {clock.Clock.Deadline} and cannot be paused.");
        var clocks = c.Clocks.SetItem(index, clock with { Clock = clock.Clock.Pause(at, reason) });
        return Commit(c, next with { Clocks = clocks }, CaseAction.PauseClock, actor, at, $"{clock.Kind} clock paused: {reason}");
    }

    /// <summary>Resumes the paused clock; its deadline moves by the credited working days.</summary>
    public CaseRecord ResumeClock(CaseRecord c, string actor, Instant at)
    {
        var next = Begin(c, CaseAction.ResumeClock, actor, at);
        var (index, clock) = Active(c, CaseAction.ResumeClock);
        if (!clock.Clock.IsPaused)
            throw new CaseRuleException(c.Id, c.Status, CaseAction.ResumeClock, $"Case {c.Id} is {c.Status}; action ResumeClock: its {clock.Kind} clock is not paused.");
        var resumed = clock.Clock.Resume(at, Calendar);
        var clocks = c.Clocks.SetItem(index, clock with { Clock = resumed });
        return Commit(c, next with { Clocks = clocks }, CaseAction.ResumeClock, actor, at,
            $"{clock.Kind} clock resumed, {resumed.Pauses[^1].CreditedWorkingDays} working day(s) credited; deadline {resumed.DeadlineDate:uuuu-MM-dd}");
    }

    /// <summary>Declares the department's error made in good faith (容错纠错). Requires the policy's fault tolerance.</summary>
    public CaseRecord DeclareGoodFaith(CaseRecord c, string actor, Instant at, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var next = Begin(c, CaseAction.DeclareGoodFaith, actor, at);
        if (!Policy.FaultTolerance)
            throw new CaseRuleException(c.Id, c.Status, CaseAction.DeclareGoodFaith,
                $"Case {c.Id} is {c.Status}; action DeclareGoodFaith is not available: fault tolerance is off in policy {Policy.Name} v{Policy.Version}.");
        if (c.GoodFaith)
            throw new CaseRuleException(c.Id, c.Status, CaseAction.DeclareGoodFaith, $"Case {c.Id} is {c.Status}; action DeclareGoodFaith: already declared.");
        return Commit(c, next with { GoodFaith = true }, CaseAction.DeclareGoodFaith, actor, at, reason);
    }

    /// <summary>The escalation steps due at <paramref name="now"/> and not yet recorded, per clock, in order.</summary>
    public IReadOnlyList<(int ClockIndex, EscalationDue Due)> PendingEscalations(CaseRecord c, Instant now)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (IsClosed(c.Status)) return [];
        var pending = new List<(int, EscalationDue)>();
        for (var i = 0; i < c.Clocks.Length; i++)
        {
            var recorded = c.Escalations.Where(e => e.ClockIndex == i).Select(e => e.Step).ToHashSet();
            foreach (var due in EscalationLadder.DueSteps(c.Clocks[i].Clock, now, Policy, Calendar, c.GoodFaith))
                if (!recorded.Contains(due.Step)) pending.Add((i, due));
        }

        return pending.OrderBy(p => p.Item2.DueAt).ThenBy(p => p.Item1).ToArray();
    }

    /// <summary>Records every escalation step due at <paramref name="at"/> and not yet recorded (one history event each).</summary>
    /// <exception cref="CaseRuleException">The status does not allow escalation, or no step is due.</exception>
    public CaseRecord Escalate(CaseRecord c, string actor, Instant at)
    {
        Begin(c, CaseAction.Escalate, actor, at);
        var pending = PendingEscalations(c, at);
        if (pending.Count == 0)
            throw new CaseRuleException(c.Id, c.Status, CaseAction.Escalate, $"Case {c.Id} is {c.Status}; action Escalate: no escalation step is due at {at}.");
        var result = c;
        foreach (var (index, due) in pending)
        {
            var kind = c.Clocks[index].Kind;
            var record = new EscalationRecord(due.Step, kind, index, due.Day, at, actor, c.DepartmentId);
            result = Commit(result, result with { Escalations = result.Escalations.Add(record) }, CaseAction.Escalate, actor, at,
                $"step {(int)due.Step} {due.Step} ({due.Step.ToChinese()}) on the {kind} clock, due {due.Day:uuuu-MM-dd}" +
                (c.DepartmentId is null ? "" : $", to {c.DepartmentId}"));
        }

        return result;
    }

    private CaseRecord Begin(CaseRecord c, CaseAction action, string actor, Instant at)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var to = Next(c.Status, action, c.Id);
        if (c.History.Length > 0 && at < c.History[^1].At)
            throw new CaseRuleException(c.Id, c.Status, action,
                $"Case {c.Id} is {c.Status}; action {action} at {at} is earlier than its last event at {c.History[^1].At}.");
        return c with { Status = to };
    }

    private CaseRecord Commit(CaseRecord before, CaseRecord after, CaseAction action, string actor, Instant at, string? detail)
    {
        var sequence = before.History.Length + 1;
        return after with
        {
            PolicyName = Policy.Name,
            PolicyVersion = Policy.Version,
            History = before.History.Add(new CaseEvent(sequence, at, actor, action, before.Status, after.Status, SharedTexts.Share(detail))),
        };
    }

    private System.Collections.Immutable.ImmutableArray<CaseClock> StopLatest(CaseRecord c, SlaKind kind, Instant at)
    {
        for (var i = c.Clocks.Length - 1; i >= 0; i--)
        {
            if (c.Clocks[i].Kind != kind) continue;
            if (c.Clocks[i].Clock.IsStopped) return c.Clocks;
            return c.Clocks.SetItem(i, c.Clocks[i] with { Clock = c.Clocks[i].Clock.Stop(at, Calendar) });
        }

        return c.Clocks;
    }

    private static (int Index, CaseClock Clock) Active(CaseRecord c, CaseAction action)
    {
        for (var i = c.Clocks.Length - 1; i >= 0; i--)
            if (!c.Clocks[i].Clock.IsStopped)
                return (i, c.Clocks[i]);
        throw new CaseRuleException(c.Id, c.Status, action, $"Case {c.Id} is {c.Status}; action {action}: no clock is running.");
    }

    private static string Outcome(System.Collections.Immutable.ImmutableArray<CaseClock> clocks, SlaKind kind)
    {
        var clock = CaseRecord.Latest(clocks, kind)?.Clock;
        return clock is null ? "none" : clock.Met ? "met" : "overdue";
    }

    private static void CheckScore(int score)
    {
        if (score is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(score), score, "A satisfaction score is between 0 and 100.");
    }

    private static string? Join(params string?[] parts)
    {
        var text = string.Join("; ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
        return text.Length == 0 ? null : text;
    }
}
