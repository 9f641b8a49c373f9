using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;
using ParkGrid.Grains.Internal;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

public sealed class EnterpriseState
{
    public string? ParkId { get; set; }
    public string? DistrictId { get; set; }
    public string? Name { get; set; }
    public string Industry { get; set; } = "";
    public bool AboveDesignatedSize { get; set; }
    public string? Commissioner { get; set; }
    public string? ContactPointId { get; set; }
    public LocalDate? RegisteredOn { get; set; }
    public int SatisfiedScore { get; set; } = 90;
    public int UnsatisfiedScore { get; set; } = 40;

    /// <summary>Latent problems, not filed yet.</summary>
    public List<PendingProblem> Problems { get; set; } = [];

    public int ProblemCounter { get; set; }
    public int CaseCounter { get; set; }

    /// <summary>Inspections of the last three quarters; older ones are folded into <see cref="Settled"/>.</summary>
    public List<Inspection> Inspections { get; set; } = [];

    public SettledInspections Settled { get; set; } = new();

    /// <summary>Quarter ("2025Q4") → the "too many inspections" case raised for it.</summary>
    public Dictionary<string, string> BurdenCases { get; set; } = new(StringComparer.Ordinal);

    public List<SubsidyEntry> Subsidies { get; set; } = [];

    // What the cases say.
    public Dictionary<string, CaseSummary> OpenCases { get; set; } = new(StringComparer.Ordinal);
    public int CasesTotal { get; set; }
    public ScoreSum Satisfaction { get; set; }
    public DeliveryLedger Ledger { get; set; } = new();

    // The outbox: cases to file, and the KPI report for the park.
    public List<CaseFiling> Filings { get; set; } = [];
    public long Revision { get; set; }
    public long ReportedRevision { get; set; }
    public EnterpriseContribution Reported { get; set; } = EnterpriseContribution.None;
    public EnterpriseContribution? Pending { get; set; }
    public long PendingRevision { get; set; }
    public bool PendingAttempted { get; set; }
    public int DeliveryFailures { get; set; }
    public string? LastDeliveryError { get; set; }
    public Instant? MonitorWakeAt { get; set; }
}

/// <summary>Inspection counts of quarters no longer kept in detail.</summary>
public sealed class SettledInspections
{
    public int Inspections { get; set; }
    public int Visits { get; set; }
    public int QuartersOverThreshold { get; set; }
    public List<string> Ids { get; set; } = [];
}

public sealed class SubsidyEntry
{
    public SubsidyPromise Promise { get; set; } = new("", "", "", 0, default);
    public LocalDate GraceEnds { get; set; }
    public string? CaseId { get; set; }
}

/// <summary>A case the enterprise files (through its outbox).</summary>
public sealed class CaseFiling
{
    public string CaseId { get; set; } = "";
    public FileCase? Clue { get; set; }
}

/// <summary>
/// An enterprise: its latent problems (filed through a channel, or surfaced at a contact point's visit), the
/// inspection-burden monitor (one "too many inspections" case per quarter over the threshold; joint inspection merges
/// departments' inspections within the window into one visit), the overdue-subsidy monitor (one case per subsidy unpaid
/// past its grace, woken by the "subsidy-monitor" reminder), and what its cases report (open cases, satisfaction).
/// Cases it files and its KPI contribution go out through an outbox in a turn of their own.
/// </summary>
public sealed class EnterpriseGrain : Grain, IEnterpriseGrain
{
    internal const string MonitorReminder = "subsidy-monitor";
    internal static readonly Duration ReminderPeriod = Duration.FromDays(1);
    internal const string SubsidyMonitorActor = "subsidy-monitor";
    internal const string BurdenMonitorActor = "inspection-burden-monitor";

    private readonly IPersistentState<EnterpriseState> _state;
    private readonly WorkingDayCalendar _calendar;
    private IGrainTimer? _outboxTimer;
    private KeptGrain<IDistrictGrain> _district;
    private KeptGrain<IParkGrain> _park;
    private bool _reminderKnown;
    private Instant? _reminderAt;
    private Task<VisitOutcome>? _quietVisit;

    public EnterpriseGrain([PersistentState("enterprise")] IPersistentState<EnterpriseState> state, WorkingDayCalendar calendar)
    {
        _state = state;
        _calendar = calendar;
    }

    private EnterpriseState S => _state.State;
    private string Id => GetPrimaryKeyString();
    private Instant Now => Clock.GetCurrentInstant();
    private LocalDate Today => ChinaTime.DateOf(Now);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Pending is not null) S.PendingAttempted = true;
        if (S.Filings.Count > 0 || S.Pending is not null || S.Revision > S.ReportedRevision) ArmOutbox(Duration.Zero);
        return Task.CompletedTask;
    }

    // ---- Profile -------------------------------------------------------------------------------

    public async Task<EnterpriseSnapshot> Register(EnterpriseProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(profile.ParkId);
        ArgumentException.ThrowIfNullOrWhiteSpace(profile.Name);
        if (S.ParkId is { } park && park != profile.ParkId)
            throw new InvalidOperationException($"Enterprise '{Id}' is registered in park '{park}'; it cannot register in '{profile.ParkId}'.");
        var registeredOn = S.RegisteredOn ?? Today;
        var info = await GrainFactory.GetGrain<IParkGrain>(profile.ParkId).AddEnterprise(
            new ParkEnterprise(Id, profile.Name, registeredOn, profile.AboveDesignatedSize, S.ContactPointId));
        S.ParkId = profile.ParkId;
        S.DistrictId = info.DistrictId;
        S.Name = profile.Name;
        S.Industry = profile.Industry;
        S.AboveDesignatedSize = profile.AboveDesignatedSize;
        S.Commissioner = profile.Commissioner;
        S.RegisteredOn = registeredOn;
        await _state.SaveAsync();
        return Snapshot(await Policy());
    }

    public async Task AssignContactPoint(string contactPointId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactPointId);
        RequireRegistered();
        if (S.ContactPointId == contactPointId) return;
        S.ContactPointId = contactPointId;
        await _state.SaveAsync();
    }

    public async Task SetSatisfaction(int satisfiedScore, int unsatisfiedScore)
    {
        if (satisfiedScore is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(satisfiedScore), satisfiedScore, "A satisfaction score is between 0 and 100.");
        if (unsatisfiedScore is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(unsatisfiedScore), unsatisfiedScore, "A satisfaction score is between 0 and 100.");
        S.SatisfiedScore = satisfiedScore;
        S.UnsatisfiedScore = unsatisfiedScore;
        await _state.SaveAsync();
    }

    // ---- Problems and visits -------------------------------------------------------------------

    public async Task<ProblemOutcome> ReportProblem(ProblemReport problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        RequireRegistered();
        if (!Enum.IsDefined(problem.Category)) throw new ArgumentOutOfRangeException(nameof(problem), problem.Category, "Unknown category.");
        string? caseId = null;
        if (problem.Channel is { } channel)
        {
            if (channel is CaseChannel.ContactPointVisit or CaseChannel.AutomaticMonitor or CaseChannel.InspectionTourFinding)
                throw new ArgumentException($"A problem is reported through a channel such as 12345 or a QR code; {channel} cases come from visits, monitors and tours.", nameof(problem));
            caseId = File(new FileCase(channel, problem.Category, Id, S.ParkId!, channel.ToString(), problem.Summary, problem.AccusedCadreId, problem.ReporterContact));
        }
        else
        {
            S.Problems.Add(new PendingProblem(++S.ProblemCounter, problem.Category, problem.Summary, problem.AccusedCadreId, Now));
        }

        await _state.SaveAsync();
        ArmOutbox(Duration.Zero);
        return new ProblemOutcome(Id, caseId, S.Problems.Count);
    }

    /// <summary>
    /// A visit: first the follow-ups — a problem of the same category still latent means the rectification did not hold
    /// (not resolved; that problem is the reason), otherwise resolved — then every remaining latent problem is filed as a
    /// case found at the visit.
    /// </summary>
    public Task<VisitOutcome> Visit(VisitRequest visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        RequireRegistered();
        // Most visits find nothing to follow up and nothing latent (visits are the commonest call): they all get the same
        // finished answer, which is immutable, so they allocate nothing.
        if (S.Problems.Count == 0 && !FollowUpDueHere(visit)) return _quietVisit ??= Task.FromResult(new VisitOutcome(Id, [], []));
        return VisitWithFindings(visit);
    }

    private bool FollowUpDueHere(VisitRequest visit)
    {
        var followUps = visit.FollowUps;
        for (var i = 0; i < followUps.Count; i++)
            if (followUps[i].EnterpriseId == Id) return true;
        return false;
    }

    private async Task<VisitOutcome> VisitWithFindings(VisitRequest visit)
    {
        List<FollowUpVerdict>? verdicts = null;
        foreach (var followUp in visit.FollowUps)
        {
            if (followUp.EnterpriseId != Id) continue;
            var index = S.Problems.FindIndex(p => p.Category == followUp.Category);
            if (index >= 0)
            {
                var persisting = S.Problems[index];
                S.Problems.RemoveAt(index);
                (verdicts ??= []).Add(new FollowUpVerdict(followUp.CaseId, false, S.UnsatisfiedScore, $"problem persists: {persisting.Summary ?? followUp.Category.ToChinese()}"));
            }
            else
            {
                (verdicts ??= []).Add(new FollowUpVerdict(followUp.CaseId, true, S.SatisfiedScore, "problem solved"));
            }
        }

        List<string>? raised = null;
        foreach (var problem in S.Problems)
            (raised ??= []).Add(File(new FileCase(CaseChannel.ContactPointVisit, problem.Category, Id, S.ParkId!, visit.CadreId,
                problem.Summary ?? $"surfaced at a visit of contact point {visit.ContactPointId}", problem.AccusedCadreId)));
        if (raised is not null || (verdicts is not null && verdicts.Exists(v => !v.Resolved)))
        {
            S.Problems.Clear();
            await _state.SaveAsync();
            ArmOutbox(Duration.Zero);
        }

        return new VisitOutcome(Id, (IReadOnlyList<string>?)raised ?? [], (IReadOnlyList<FollowUpVerdict>?)verdicts ?? []);
    }

    public async Task<LookBackVerdict> CheckRecurrence(string caseId, CaseCategory category)
    {
        RequireRegistered();
        var index = S.Problems.FindIndex(p => p.Category == category);
        if (index < 0) return new LookBackVerdict(false, $"no recurrence of {category.ToChinese()} at {Id}");
        var problem = S.Problems[index];
        S.Problems.RemoveAt(index); // the reopened case carries it now
        await _state.SaveAsync();
        return new LookBackVerdict(true, problem.Summary ?? $"{category.ToChinese()} again at {Id}");
    }

    // ---- Inspections ---------------------------------------------------------------------------

    public async Task<InspectionOutcome> RecordInspection(Inspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        RequireRegistered();
        if (inspection.EnterpriseId != Id)
            throw new ArgumentException($"Inspection {inspection.Id} is of enterprise '{inspection.EnterpriseId}', not '{Id}'.", nameof(inspection));
        var policy = await Policy();
        var quarter = Quarter.Of(inspection.Date);
        IReadOnlyList<InspectionBurden>? burden = null;
        if (!Recorded(inspection.Id))
        {
            S.Inspections.Add(inspection);
            burden = InspectionBurdenMonitor.Burden(S.Inspections, policy);
            // Loops by index over the burden list here and below: a foreach through the interface boxes an enumerator, three
            // per inspection recorded (inspections are the second commonest call of a simulation).
            for (var i = 0; i < burden.Count; i++)
            {
                var over = burden[i];
                if (!over.OverThreshold) continue;
                var key = over.Quarter.ToString();
                if (S.BurdenCases.ContainsKey(key)) continue; // one case per enterprise and quarter
                S.BurdenCases[key] = File(new FileCase(CaseChannel.AutomaticMonitor, CaseCategory.TooManyInspections, Id, S.ParkId!, BurdenMonitorActor,
                    $"{over.Visits} inspection visits in {over.Quarter} ({over.Inspections} inspections), threshold {over.Threshold}"),
                    $"{Id}-inspections-{over.Quarter.Year}q{over.Quarter.Number}");
            }

            if (Prune(policy)) burden = null;
            Changed(policy, burden);
            await _state.SaveAsync();
            ArmOutbox(Duration.Zero);
        }

        InspectionBurden? mine = null;
        burden ??= InspectionBurdenMonitor.Burden(S.Inspections, policy);
        for (var i = 0; i < burden.Count && mine is null; i++)
            if (burden[i].Quarter == quarter) mine = burden[i];
        // Most enterprises never get a burden case: skip formatting the quarter's key for them.
        var burdenCase = S.BurdenCases.Count == 0 ? null : S.BurdenCases.GetValueOrDefault(quarter.ToString());
        return new InspectionOutcome(Id, inspection.Id, quarter, mine?.Inspections ?? 0, mine?.Visits ?? 0, mine?.OverThreshold ?? false, burdenCase);
    }

    private bool Recorded(string inspectionId)
    {
        foreach (var i in S.Inspections)
            if (i.Id == inspectionId) return true;
        return S.Settled.Ids.Contains(inspectionId);
    }

    /// <summary>Keeps the inspections of the current and the two previous quarters (a joint-inspection window is at most
    /// 92 days, so older ones can no longer merge with new ones) and folds older ones into the settled counts.</summary>
    private bool Prune(Policy policy)
    {
        var keepFrom = Quarter.Of(Today).FirstDay.PlusMonths(-6);
        if (!S.Inspections.Exists(i => i.Date < keepFrom)) return false;
        var old = S.Inspections.Where(i => i.Date < keepFrom).ToArray();
        var burden = InspectionBurdenMonitor.Burden(old, policy);
        S.Settled.Inspections += burden.Sum(b => b.Inspections);
        S.Settled.Visits += burden.Sum(b => b.Visits);
        S.Settled.QuartersOverThreshold += burden.Count(b => b.OverThreshold);
        S.Settled.Ids.AddRange(old.Select(i => i.Id));
        if (S.Settled.Ids.Count > 500) S.Settled.Ids.RemoveRange(0, S.Settled.Ids.Count - 500);
        S.Inspections.RemoveAll(i => i.Date < keepFrom);
        return true;
    }

    // ---- Subsidies -----------------------------------------------------------------------------

    public async Task<SubsidyView> PromiseSubsidy(SubsidyInput subsidy)
    {
        ArgumentNullException.ThrowIfNull(subsidy);
        ArgumentException.ThrowIfNullOrWhiteSpace(subsidy.Id);
        RequireRegistered();
        if (S.Subsidies.Find(e => e.Promise.Id == subsidy.Id) is { } known) return View(known);
        var policy = await Policy();
        var promise = new SubsidyPromise(subsidy.Id, Id, subsidy.DepartmentId, subsidy.Amount, subsidy.PromisedOn);
        // The grace is fixed by the policy in force when the subsidy is promised, as an SLA clock keeps its N.
        var entry = new SubsidyEntry { Promise = promise, GraceEnds = SubsidyMonitor.GraceEnds(promise, policy, _calendar) };
        S.Subsidies.Add(entry);
        Changed(policy);
        await CommitMonitor();
        return View(entry);
    }

    public async Task<SubsidyView> PaySubsidy(string subsidyId)
    {
        RequireRegistered();
        var entry = S.Subsidies.Find(e => e.Promise.Id == subsidyId)
                    ?? throw new KeyNotFoundException($"Enterprise '{Id}' has no subsidy '{subsidyId}'.");
        if (entry.Promise.PaidOn is not null) return View(entry);
        var policy = await Policy();
        entry.Promise = entry.Promise with { PaidOn = Today };
        Changed(policy);
        await CommitMonitor();
        return View(entry);
    }

    /// <summary>
    /// The "subsidy-monitor" reminder: files one case for each subsidy unpaid after its grace (the day after the grace
    /// ends, or at the first tick after downtime), never a second one for the same subsidy.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != MonitorReminder || S.ParkId is null)
        {
            if (await GetReminder(reminderName) is { } stray) await UnregisterReminder(stray);
            return;
        }

        var today = Today;
        foreach (var entry in S.Subsidies)
        {
            var p = entry.Promise;
            if (p.PaidOn is not null || entry.CaseId is not null || today <= entry.GraceEnds) continue;
            entry.CaseId = File(new FileCase(CaseChannel.AutomaticMonitor, CaseCategory.SubsidyNotPaidOnTime, Id, S.ParkId, SubsidyMonitorActor,
                $"subsidy {p.Id} of {p.Amount} promised by {p.DepartmentId} on {p.PromisedOn:uuuu-MM-dd} unpaid after its grace ended {entry.GraceEnds:uuuu-MM-dd}"),
                $"{Id}-subsidy-{p.Id}");
        }

        await CommitMonitor();
    }

    private async Task CommitMonitor()
    {
        var now = Now;
        Instant? wake = null;
        foreach (var e in S.Subsidies)
        {
            if (e.Promise.PaidOn is not null || e.CaseId is not null) continue;
            var at = GrainTime.Max(ChinaTime.EndOf(e.GraceEnds), now); // 00:00 of the day after the grace ends
            if (wake is null || at < wake) wake = at;
        }

        S.MonitorWakeAt = wake;
        await _state.SaveAsync();
        if (!_reminderKnown || _reminderAt != wake)
        {
            if (wake is { } w) await RegisterOrUpdateReminder(MonitorReminder, w - now, ReminderPeriod);
            else if (await GetReminder(MonitorReminder) is { } reminder) await UnregisterReminder(reminder);
            _reminderKnown = true;
            _reminderAt = wake;
        }

        ArmOutbox(Duration.Zero);
    }

    // ---- What cases report ---------------------------------------------------------------------

    public async Task OnCaseReport(CaseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = report.Case;
        if (!S.Ledger.Accept(c.CaseId, report.Revision, active: !c.Closed)) return;
        S.CasesTotal += (report.Current.Received ? 1 : 0) - (report.Previous.Received ? 1 : 0);
        S.Satisfaction = S.Satisfaction + ScoreOf(report.Current) - ScoreOf(report.Previous);
        if (c.Closed) S.OpenCases.Remove(c.CaseId);
        else S.OpenCases[c.CaseId] = c;
        await _state.SaveAsync();
    }

    /// <summary>What a case's part adds to this enterprise's satisfaction: its score, if it has one and is this enterprise's.</summary>
    private ScoreSum ScoreOf(CaseContribution c) => c.Satisfaction is { } score && c.EnterpriseId == Id ? new ScoreSum(score, 1) : default;

    // ---- Outbox --------------------------------------------------------------------------------

    private string File(FileCase clue, string? caseId = null)
    {
        caseId ??= $"{Id}-c{++S.CaseCounter}";
        S.Filings.Add(new CaseFiling { CaseId = caseId, Clue = clue });
        return caseId;
    }

    /// <summary>The KPI contribution changed: recompute it for the report to the park.</summary>
    private void Changed(Policy policy, IReadOnlyList<InspectionBurden>? burden = null)
    {
        S.Revision++;
        if (S.PendingAttempted) return; // a receiver may hold the pending report: the change goes in the next one
        S.Pending = Contribution(policy, burden);
        S.PendingRevision = S.Revision;
    }

    /// <summary>
    /// The enterprise's part of its park's KPI tally: inspections and visits per quarter under the policy in force
    /// (and the quarters over the threshold), and its paid subsidies (on time = paid by the grace end fixed at promise;
    /// delay in working days). Unpaid subsidies go to the park as a list, since their delay grows every day.
    /// </summary>
    private EnterpriseContribution Contribution(Policy policy, IReadOnlyList<InspectionBurden>? burden = null)
    {
        burden ??= InspectionBurdenMonitor.Burden(S.Inspections, policy);
        var onTime = default(Ratio);
        var delay = Histogram.Empty;
        foreach (var e in S.Subsidies)
        {
            if (e.Promise.PaidOn is not { } paid) continue;
            onTime = onTime.Add(paid <= e.GraceEnds);
            delay = delay.Add(SubsidyMonitor.DelayWorkingDays(e.Promise, paid, _calendar));
        }

        int inspections = 0, visits = 0, over = 0;
        for (var i = 0; i < burden.Count; i++)
        {
            var b = burden[i];
            inspections += b.Inspections;
            visits += b.Visits;
            if (b.OverThreshold) over++;
        }

        return new EnterpriseContribution
        {
            Inspections = S.Settled.Inspections + inspections,
            InspectionVisits = S.Settled.Visits + visits,
            EnterpriseQuartersOverThreshold = S.Settled.QuartersOverThreshold + over,
            SubsidyOnTime = onTime,
            SubsidyDelay = delay,
        };
    }

    private IReadOnlyList<OpenSubsidy> OpenSubsidies() => S.Subsidies.Count == 0 ? [] : // the usual case: no LINQ iterators per report
        S.Subsidies.Where(e => e.Promise.PaidOn is null).Select(e => new OpenSubsidy(Id, e.Promise.Id, e.Promise.PromisedOn, e.GraceEnds)).ToArray();

    private void ArmOutbox(Duration delay)
    {
        if (S.Filings.Count == 0 && S.Pending is null && S.Revision <= S.ReportedRevision) return;
        if (_outboxTimer is null) _outboxTimer = RegisterGrainTimer(DeliverAsync, GrainTimerOptions.Once(delay));
        else _outboxTimer.Change(delay, Duration.MaxValue);
    }

    /// <summary>Files the cases waiting in the outbox, then reports the KPI contribution and unpaid subsidies to the park.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (S.Filings.Count > 0)
            {
                var filing = S.Filings[0];
                try
                {
                    await GrainFactory.GetGrain<ICaseGrain>(filing.CaseId).Receive(filing.Clue!);
                }
                catch (CaseRuleException e)
                {
                    // The id is taken by another clue: a permanent refusal, not worth retrying.
                    S.LastDeliveryError = $"filing {filing.CaseId} refused: {e.Message}";
                }

                S.Filings.RemoveAt(0);
            }

            while (true)
            {
                if (S.Pending is null)
                {
                    if (S.Revision <= S.ReportedRevision) break;
                    S.Pending = Contribution(await Policy());
                    S.PendingRevision = S.Revision;
                }

                S.PendingAttempted = true;
                await _park.For(GrainFactory, S.ParkId!).OnEnterpriseReport(
                    new EnterpriseReport(Id, S.PendingRevision, S.Reported, S.Pending, OpenSubsidies()));
                S.Reported = S.Pending;
                S.ReportedRevision = S.PendingRevision;
                S.Pending = null;
                S.PendingAttempted = false;
            }

            S.DeliveryFailures = 0;
        }
        catch (Exception e)
        {
            S.DeliveryFailures++;
            S.LastDeliveryError = $"{e.GetType().Name}: {e.Message}";
            ArmOutbox(GrainTime.Backoff(S.DeliveryFailures));
        }

        // The progress is not written here: the next command (or the deactivation) stores it, and until then a replay
        // after a crash files nothing twice (Receive of the same clue is a no-op) and the park ignores a report it applied.
    }

    // ---- Reading -------------------------------------------------------------------------------

    private Task<Policy> Policy()
    {
        var district = S.DistrictId ?? throw new InvalidOperationException($"Enterprise '{Id}' is not registered in a park of a district.");
        return _district.For(GrainFactory, district).GetPolicy();
    }

    private void RequireRegistered()
    {
        if (S.ParkId is null) throw new InvalidOperationException($"Enterprise '{Id}' is not registered: call Register with its park first.");
    }

    private SubsidyView View(SubsidyEntry e) => new(e.Promise, e.GraceEnds, e.CaseId);

    public async Task<EnterpriseSnapshot> GetSnapshot() =>
        Snapshot(S.DistrictId is null ? ParkGrid.Domain.Policies.Policy.Default : await Policy());

    private EnterpriseSnapshot Snapshot(Policy policy) => new(
        Id, S.ParkId, S.DistrictId, S.Name ?? Id, S.Industry, S.AboveDesignatedSize, S.Commissioner, S.ContactPointId, S.RegisteredOn,
        CaseSummaries.Ordered(S.OpenCases.Values), S.CasesTotal, S.Satisfaction.Mean, S.SatisfiedScore, S.UnsatisfiedScore,
        S.Problems.ToArray(),
        InspectionBurdenMonitor.Burden(S.Inspections, policy),
        S.Inspections.ToArray(),
        S.Subsidies.Select(View).ToArray(),
        new SortedDictionary<string, string>(S.BurdenCases, StringComparer.Ordinal),
        S.Filings.Select(f => f.CaseId).ToArray());
}
