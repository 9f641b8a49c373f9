using System.Text.Json.Serialization;
using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Policies;
using ParkGrid.Grains.Internal;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

/// <summary>The stored state of a case grain.</summary>
public sealed class CaseState
{
    /// <summary>The case with its clocks and append-only history; null until received.</summary>
    public CaseRecord? Record { get; set; }

    public string? DistrictId { get; set; }
    public string? TourId { get; set; }
    public string? ReporterContact { get; set; }

    /// <summary>Counts the changes to report; the outbox reports until <see cref="ReportedRevision"/> catches up.</summary>
    public long Revision { get; set; }

    public long ReportedRevision { get; set; }

    /// <summary>The KPI contribution the receivers hold for this case.</summary>
    [JsonConverter(typeof(StoredContributionConverter))]
    public CaseContribution Reported { get; set; } = CaseContribution.None;

    public string? ReportedDepartmentId { get; set; }
    public int ReportedEscalations { get; set; }
    public bool ReportedClarification { get; set; }

    /// <summary>The report being delivered (the outbox), if any.</summary>
    public PendingCaseReport? Pending { get; set; }

    /// <summary>When the "sla" reminder is due next (a deadline, an escalation step, the follow-up or look-back day).</summary>
    public Instant? WakeAt { get; set; }

    public int DeliveryFailures { get; set; }
    public string? LastDeliveryError { get; set; }
}

/// <summary>A case report on its way to its receivers.</summary>
public sealed class PendingCaseReport
{
    public long Revision { get; set; }
    public Instant At { get; set; }
    public CaseSummary? Case { get; set; }
    [JsonConverter(typeof(StoredContributionConverter))]
    public CaseContribution Previous { get; set; } = CaseContribution.None;

    [JsonConverter(typeof(StoredContributionConverter))]
    public CaseContribution Current { get; set; } = CaseContribution.None;

    public string? DepartmentId { get; set; }
    public int Escalations { get; set; }
    public bool Clarification { get; set; }

    /// <summary>What the district had registered when the report was made.</summary>
    public int EscalationsReported { get; set; }

    public bool ClarificationReported { get; set; }

    /// <summary>Receivers not yet reached: "park", "enterprise", "district", "tour", "department:&lt;id&gt;".</summary>
    public List<string> Targets { get; set; } = [];

    /// <summary>A delivery was attempted: the report is frozen (a receiver may hold it) and later changes go in the next one.</summary>
    public bool Attempted { get; set; }
}

/// <summary>
/// A case (问题线索 / 诉求). Every command: fetch the district's policy in force, reconcile what fell due (escalation
/// steps, the follow-up day), apply the domain's <see cref="CaseLifecycle"/> (which refuses illegal actions, naming
/// status and action, before anything changes), store the state with a report for the receivers, re-arm the "sla"
/// reminder, and return. The report goes out in a separate turn (a one-shot timer): park, enterprise, department(s),
/// district (escalations, clarifications) and tour, so grains that call cases are never called back inside that call.
/// </summary>
public sealed class CaseGrain : Grain, ICaseGrain
{
    internal const string SlaReminder = "sla";

    /// <summary>Period of the "sla" reminder. Every tick re-arms it for the next due instant, so the period only matters
    /// if a tick fails (it is then retried an hour later).</summary>
    internal static readonly Duration ReminderPeriod = Duration.FromHours(1);

    internal const string EscalationActor = "escalation-ladder";
    internal const string FollowUpActor = "follow-up-schedule";
    internal const string LookBackActor = "look-back";

    private readonly IPersistentState<CaseState> _state;
    private readonly WorkingDayCalendar _calendar;
    private IGrainTimer? _outboxTimer;
    private KeptGrain<IDistrictGrain> _district;
    private KeptGrain<IParkGrain> _park;
    private KeptGrain<IEnterpriseGrain> _enterprise;
    private bool _reminderKnown;
    private Instant? _reminderAt;

    private readonly IDomainEventSink _events;

    public CaseGrain([PersistentState("case")] IPersistentState<CaseState> state, WorkingDayCalendar calendar, IDomainEventSink events)
    {
        _state = state;
        _calendar = calendar;
        _events = events;
    }

    private CaseState S => _state.State;
    private Instant Now => Clock.GetCurrentInstant();
    private string Id => GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A report read back from storage may have reached some receivers before the previous activation ended: frozen.
        if (S.Pending is { } pending) pending.Attempted = true;
        if (S.Pending is not null || S.Revision > S.ReportedRevision) ArmOutbox(Duration.Zero);
        return Task.CompletedTask;
    }

    // ---- Commands ------------------------------------------------------------------------------

    public async Task<CaseSnapshot> Receive(FileCase clue)
    {
        ArgumentNullException.ThrowIfNull(clue);
        ArgumentException.ThrowIfNullOrWhiteSpace(clue.EnterpriseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clue.ParkId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clue.Actor);
        if (S.Record is { } existing)
        {
            if (existing.Channel == clue.Channel && existing.Category == clue.Category && existing.EnterpriseId == clue.EnterpriseId &&
                existing.ParkId == clue.ParkId && existing.Summary == clue.Summary && S.TourId == clue.TourId)
                return Snapshot(Now); // the same clue again (a retry): already received
            throw new CaseRuleException(Id, existing.Status, CaseAction.Receive,
                $"Case {Id} is {existing.Status} ({existing.Status.ToChinese()}); action Receive ({CaseAction.Receive.ToChinese()}) is not allowed: " +
                $"it was received at {existing.ReceivedAt} for enterprise {existing.EnterpriseId} ({existing.Category}). File the clue under another id.");
        }

        var park = await _park.For(GrainFactory, clue.ParkId).GetInfo();
        if (park.DistrictId is null)
            throw new InvalidOperationException($"Park '{clue.ParkId}' belongs to no district: add it with IDistrictGrain.AddPark before filing cases in it.");
        var life = Lifecycles.For(await _district.For(GrainFactory, park.DistrictId).GetPolicy(), _calendar);
        var now = Now;
        var record = life.Receive(
            new CaseIntake(Id, clue.Channel, clue.Category, clue.EnterpriseId, clue.ParkId, clue.Summary, clue.AccusedCadreId), clue.Actor, now);
        S.DistrictId = park.DistrictId;
        S.TourId = clue.TourId;
        S.ReporterContact = clue.ReporterContact;
        await Commit(record, life, now);
        return Snapshot(now);
    }

    public Task<CaseSnapshot> StartVerification(string actor) =>
        Apply(CaseAction.StartVerification, (l, c, t) => l.StartVerification(c, actor, t));

    public Task<CaseSnapshot> MarkUnfounded(string actor, string? finding, ClarificationRecord? clarification) =>
        Apply(CaseAction.MarkUnfounded, (l, c, t) => l.MarkUnfounded(c, actor, t, clarification, finding));

    public Task<CaseSnapshot> Substantiate(string actor, string? finding) =>
        Apply(CaseAction.Substantiate, (l, c, t) => l.Substantiate(c, actor, t, finding));

    public Task<CaseSnapshot> Assign(string actor, string departmentId) =>
        Apply(CaseAction.Assign, (l, c, t) => l.Assign(c, actor, t, departmentId));

    public Task<CaseSnapshot> StartRectification(string actor) =>
        Apply(CaseAction.StartRectification, (l, c, t) => l.StartRectification(c, actor, t));

    public Task<CaseSnapshot> ReportRectification(string actor, string? report) =>
        Apply(CaseAction.ReportRectification, (l, c, t) => l.ReportRectification(c, actor, t, report));

    public Task<CaseSnapshot> MarkFollowUpDue(string actor) =>
        Apply(CaseAction.MarkFollowUpDue, (l, c, t) => l.MarkFollowUpDue(c, actor, t));

    public Task<CaseSnapshot> Resolve(string actor, int satisfactionScore, string? note) =>
        Apply(CaseAction.Resolve, (l, c, t) => l.Resolve(c, actor, t, satisfactionScore, note));

    public Task<CaseSnapshot> Reopen(string actor, string reason, int? satisfactionScore) =>
        Apply(CaseAction.Reopen, (l, c, t) => l.Reopen(c, actor, t, reason, satisfactionScore));

    public Task<CaseSnapshot> PassLookBack(string actor, string? note) =>
        Apply(CaseAction.PassLookBack, (l, c, t) => l.PassLookBack(c, actor, t, note));

    public Task<CaseSnapshot> PauseClock(string actor, string reason) =>
        Apply(CaseAction.PauseClock, (l, c, t) => l.PauseClock(c, actor, t, reason));

    public Task<CaseSnapshot> ResumeClock(string actor) =>
        Apply(CaseAction.ResumeClock, (l, c, t) => l.ResumeClock(c, actor, t));

    public Task<CaseSnapshot> DeclareGoodFaith(string actor, string reason) =>
        Apply(CaseAction.DeclareGoodFaith, (l, c, t) => l.DeclareGoodFaith(c, actor, t, reason));

    public Task<CaseSnapshot> GetSnapshot() => Task.FromResult(Snapshot(Now));

    public Task<string?> GetReporterContact()
    {
        Require("read the reporter of");
        return Task.FromResult(S.ReporterContact);
    }

    private async Task<CaseSnapshot> Apply(CaseAction action, Func<CaseLifecycle, CaseRecord, Instant, CaseRecord> change)
    {
        var record = Require(action.ToString());
        var life = await Lifecycle();
        var now = Now;
        // What fell due first (a step, the follow-up day), then the command; if the command is illegal it throws here
        // and nothing is stored: the reminder records the due steps on its own.
        var next = change(life, Reconcile(life, record, now), now);
        await Commit(next, life, now);
        return Snapshot(now);
    }

    // ---- The "sla" reminder --------------------------------------------------------------------

    /// <summary>
    /// Wakes at a clock's deadline (the case's KPI contribution changes: the clock is now overdue), at each escalation
    /// step's day, on the follow-up day and on the look-back day. Idempotent: it records whatever is due at the current
    /// instant and not recorded yet, so a tick after downtime (MissedTicks &gt; 0) catches up in one go, with each step
    /// keeping the day it fell due.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SlaReminder || S.Record is null)
        {
            if (await GetReminder(reminderName) is { } stray) await UnregisterReminder(stray);
            return;
        }

        var life = await Lifecycle();
        var now = Now;
        var record = Reconcile(life, S.Record, now);
        if (record.Status == CaseStatus.Resolved && record.LookBackDueOn is { } lookBack && ChinaTime.DateOf(now) >= lookBack)
        {
            // 整改回头看: ask the enterprise whether the problem came back.
            var verdict = await GrainFactory.GetGrain<IEnterpriseGrain>(record.EnterpriseId).CheckRecurrence(Id, record.Category);
            var actor = S.TourId is { } tour ? $"{LookBackActor}:{tour}" : LookBackActor;
            record = verdict.Recurred
                ? life.Reopen(record, actor, now, $"recurrence found at the look-back (整改回头看): {verdict.Note}")
                : life.PassLookBack(record, actor, now, verdict.Note);
        }

        // Always commit: even with the record unchanged, a deadline passing changes the case's KPI contribution.
        await Commit(record, life, now);
    }

    private CaseRecord Reconcile(CaseLifecycle life, CaseRecord record, Instant now)
    {
        // Only a breached clock can have a step due; checking that first spares the ladder's arithmetic on most commands.
        if (!record.IsClosed && AnyBreached(record, now) && life.PendingEscalations(record, now).Count > 0)
            record = life.Escalate(record, EscalationActor, now);
        if (record.Status == CaseStatus.RectificationReported && record.FollowUpDueOn is { } due && ChinaTime.DateOf(now) >= due)
            record = life.MarkFollowUpDue(record, FollowUpActor, now);
        return record;
    }

    private static bool AnyBreached(CaseRecord record, Instant now)
    {
        foreach (var k in record.Clocks)
            if (k.Clock.IsBreachedAt(now)) return true;
        return false;
    }

    /// <summary>The next instant the case must wake: a running clock's deadline, else its next escalation step; the
    /// follow-up day; the look-back day.</summary>
    private Instant? NextWake(CaseRecord r, Policy policy, Instant now)
    {
        Instant? best = null;
        void Consider(Instant t)
        {
            if (best is null || t < best) best = t;
        }

        if (!r.IsClosed)
        {
            foreach (var clock in r.Clocks)
            {
                var c = clock.Clock;
                if (c.IsStopped || c.IsPaused) continue;
                if (c.Deadline is { } deadline && deadline > now) Consider(deadline);
                else if (EscalationLadder.NextStep(c, now, policy, _calendar, r.GoodFaith) is { } step) Consider(step.DueAt);
            }

            if (r.Status == CaseStatus.RectificationReported && r.FollowUpDueOn is { } followUp)
                Consider(GrainTime.Max(ChinaTime.StartOf(followUp), now));
        }
        else if (r.Status == CaseStatus.Resolved && r.LookBackDueOn is { } lookBack)
            Consider(GrainTime.Max(ChinaTime.StartOf(lookBack), now));

        return best;
    }

    private async Task SyncReminder(Instant now)
    {
        var wake = S.WakeAt;
        if (_reminderKnown && _reminderAt == wake) return;
        if (wake is { } at)
            await RegisterOrUpdateReminder(SlaReminder, at > now ? at - now : Duration.Zero, ReminderPeriod);
        else if (await GetReminder(SlaReminder) is { } reminder)
            await UnregisterReminder(reminder);
        _reminderKnown = true;
        _reminderAt = wake;
    }

    // ---- Storing and reporting -----------------------------------------------------------------

    private async Task Commit(CaseRecord record, CaseLifecycle life, Instant now)
    {
        var s = S;
        var published = s.Record?.History.Length ?? 0; // entries announced by earlier commits
        s.Record = record;
        s.Revision++;
        // Coalesce into the report waiting to go out unless a receiver may already hold it.
        if (s.Pending is null || !s.Pending.Attempted) s.Pending = NewReport(s, now);
        s.WakeAt = NextWake(record, life.Policy, now);
        await _state.SaveAsync(); // durable before it is acknowledged
        await SyncReminder(now);
        ArmOutbox(Duration.Zero);
        // One event per entry this commit appended: none when only the KPI contribution changed (a deadline passed), and
        // each of several (escalation steps that fell due, then the command).
        if (record.History.Length > published)
        {
            var summary = s.Pending?.Case ?? CaseSummaries.Of(record, s.TourId, now);
            for (var i = published; i < record.History.Length; i++)
            {
                var e = record.History[i];
                _events.Publish(new DomainEvent(e.At, e.Action, e.Actor, e.From, e.To, e.Detail, summary));
            }
        }
    }

    private PendingCaseReport NewReport(CaseState s, Instant now)
    {
        var r = s.Record!;
        var targets = new List<string>(5) { "park", "enterprise" };
        if (s.ReportedDepartmentId is { } before) targets.Add("department:" + before);
        if (r.DepartmentId is { } after && after != s.ReportedDepartmentId) targets.Add("department:" + after);
        // The district hears of new escalation steps and clarifications, and of the closing of a case it knows.
        if (r.Escalations.Length != s.ReportedEscalations || (r.Clarification is not null && !s.ReportedClarification) ||
            (r.IsClosed && s.Reported.Open && s.ReportedEscalations > 0))
            targets.Add("district");
        if (s.TourId is not null) targets.Add("tour");
        return new PendingCaseReport
        {
            Revision = s.Revision,
            At = now,
            Case = CaseSummaries.Of(r, s.TourId, now),
            Previous = s.Reported,
            Current = KpiCalculator.Contribution(r, now, _calendar),
            DepartmentId = r.DepartmentId,
            Escalations = r.Escalations.Length,
            Clarification = r.Clarification is not null,
            EscalationsReported = s.ReportedEscalations,
            ClarificationReported = s.ReportedClarification,
            Targets = targets,
        };
    }

    private void ArmOutbox(Duration delay)
    {
        if (_outboxTimer is null) _outboxTimer = RegisterGrainTimer(DeliverAsync, GrainTimerOptions.Once(delay));
        else _outboxTimer.Change(delay, Duration.MaxValue);
    }

    /// <summary>The outbox: delivers the pending report to each receiver in a turn of its own. Receivers apply a case's
    /// revisions once, in order, so a report that is delivered again after a crash or a failed attempt does no harm.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var s = S;
            if (s.Record is null) return;
            if (s.Pending is null)
            {
                if (s.Revision <= s.ReportedRevision)
                {
                    // A closed case whose receivers hold its last report has nothing to do until someone asks (a read, a
                    // look-back reminder): it leaves memory, its state stays in storage. A simulated year closes hundreds
                    // of thousands of cases, and an activation with its timer and proxies was about twenty objects each.
                    if (s.Record.IsClosed) DeactivateOnIdle();
                    return;
                }

                s.Pending = NewReport(s, Now);
                await _state.SaveAsync();
                continue;
            }

            var p = s.Pending;
            p.Attempted = true;
            var report = new CaseReport(p.Revision, p.At, p.Case!, s.DistrictId, p.Previous, p.Current,
                s.Record.Escalations.AsSpan(0, Math.Min(p.Escalations, s.Record.Escalations.Length)).ToArray(), p.Clarification ? s.Record.Clarification : null, p.EscalationsReported, p.ClarificationReported);
            while (p.Targets.Count > 0) // in order; each receiver leaves the list once it has the report
            {
                var target = p.Targets[0];
                try
                {
                    await Deliver(target, report);
                }
                catch (Exception e)
                {
                    s.DeliveryFailures++;
                    s.LastDeliveryError = $"{target}: {e.GetType().Name}: {e.Message}";
                    ArmOutbox(GrainTime.Backoff(s.DeliveryFailures));
                    return;
                }

                p.Targets.RemoveAt(0);
            }

            s.Reported = p.Current;
            s.ReportedRevision = p.Revision;
            s.ReportedDepartmentId = p.DepartmentId;
            s.ReportedEscalations = p.Escalations;
            s.ReportedClarification |= p.Clarification;
            s.Pending = null;
            s.DeliveryFailures = 0;
            s.LastDeliveryError = null;
            // Not written here: the next change (or deactivation) stores it; until then a replay is ignored by the receivers.
        }
    }

    private Task Deliver(string target, CaseReport report)
    {
        var c = report.Case;
        return target switch
        {
            "park" => _park.For(GrainFactory, c.ParkId).OnCaseReport(report),
            "enterprise" => _enterprise.For(GrainFactory, c.EnterpriseId).OnCaseReport(report),
            "district" => _district.For(GrainFactory, S.DistrictId!).OnCaseReport(report),
            "tour" => GrainFactory.GetGrain<IInspectionTourGrain>(S.TourId!).OnCaseReport(report),
            _ when target.StartsWith("department:", StringComparison.Ordinal) =>
                GrainFactory.GetGrain<IDepartmentGrain>(target["department:".Length..]).OnCaseReport(report),
            _ => throw new InvalidOperationException($"Unknown report target '{target}'."),
        };
    }

    // ---- Reading -------------------------------------------------------------------------------

    private async Task<CaseLifecycle> Lifecycle() =>
        Lifecycles.For(await _district.For(GrainFactory, S.DistrictId!).GetPolicy(), _calendar);

    private CaseRecord Require(string what) =>
        S.Record ?? throw new KeyNotFoundException($"Case {Id} has not been received; cannot {what} it. File it first with Receive.");

    private CaseSnapshot Snapshot(Instant now)
    {
        var r = Require("read");
        var active = r.ActiveClock;
        return new CaseSnapshot(
            r, S.DistrictId, S.TourId,
            active is not null && active.Clock.IsBreachedAt(now),
            active is null ? null : View(active, now),
            CaseLifecycle.AllowedActions(r.Status),
            S.WakeAt,
            S.Pending?.Targets.ToArray() ?? [],
            S.LastDeliveryError);
    }

    private ClockView View(CaseClock clock, Instant now)
    {
        var c = clock.Clock;
        return new ClockView(clock.Kind, c.WorkingDays, c.StartedAt, c.DeadlineDate, c.Deadline, c.IsPaused, c.IsStopped, c.IsBreachedAt(now),
            c.RemainingWorkingDays(now, _calendar), c.OverdueWorkingDays(now, _calendar), c.PausedWorkingDays);
    }
}
