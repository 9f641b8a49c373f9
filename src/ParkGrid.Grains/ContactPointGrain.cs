using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using ParkGrid.Grains.Internal;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

public sealed class ContactPointState
{
    public string? ParkId { get; set; }
    public string? DistrictId { get; set; }
    public string? HostEnterpriseId { get; set; }
    public string? LiaisonId { get; set; }
    public string? SupervisorCadreId { get; set; }
    public List<string> Enterprises { get; set; } = [];
    public int? CapacityPerRound { get; set; }

    /// <summary>The cadence the schedule follows (the policy's visitCadence when it was last read).</summary>
    public Period? Cadence { get; set; }

    /// <summary>Round k is due on <c>Anchor + k × Cadence</c>, moved to the next working day if that is a day off.</summary>
    public LocalDate? Anchor { get; set; }

    public int NextIndex { get; set; }
    public LocalDate? NextVisitOn { get; set; }

    /// <summary>Where the next round starts in <see cref="Enterprises"/> when capacity is below coverage.</summary>
    public int Rotation { get; set; }

    public int Rounds { get; set; }
    public long VisitsMade { get; set; }
    public long VisitCapacity { get; set; }
    public long CasesRaised { get; set; }
    public long FollowUpsDone { get; set; }
    public List<VisitRound> RecentRounds { get; set; } = [];
}

/// <summary>
/// A contact point: one durable "visit" reminder per contact point wakes it for each round (every visitCadence, at
/// 09:00 of the round's day, moved to the next working day when it falls on a day off). A round visits the covered
/// enterprises (up to the supervisor's capacity, in rotation, plus any enterprise with a follow-up due): each visit
/// surfaces the enterprise's latent problems as cases and carries out the follow-ups (回访) due, resolving or reopening
/// those cases with the enterprise's verdict. It reports its visit totals to the park (supervisor utilisation).
/// </summary>
public sealed class ContactPointGrain : Grain, IContactPointGrain
{
    internal const string VisitReminder = "visit";
    private const int RecentCapacity = 24;

    private readonly IPersistentState<ContactPointState> _state;
    private readonly WorkingDayCalendar _calendar;

    // Every round calls the same enterprises again: a kept proxy remembers its activation, a new one costs an allocation
    // and a lookup per visit (visits are the commonest call of a simulation).
    private readonly Dictionary<string, IEnterpriseGrain> _enterpriseGrains = new(StringComparer.Ordinal);

    public ContactPointGrain([PersistentState("contact-point")] IPersistentState<ContactPointState> state, WorkingDayCalendar calendar)
    {
        _state = state;
        _calendar = calendar;
    }

    private ContactPointState S => _state.State;
    private string Id => GetPrimaryKeyString();
    private Instant Now => Clock.GetCurrentInstant();

    public async Task<ContactPointSnapshot> Configure(ContactPointSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentException.ThrowIfNullOrWhiteSpace(setup.ParkId);
        ArgumentException.ThrowIfNullOrWhiteSpace(setup.SupervisorCadreId);
        if (setup.VisitCapacityPerRound is < 1) throw new ArgumentOutOfRangeException(nameof(setup), setup.VisitCapacityPerRound, "A supervisor visits at least one enterprise per round.");
        if (S.ParkId is { } park && park != setup.ParkId)
            throw new InvalidOperationException($"Contact point '{Id}' belongs to park '{park}'; it cannot move to '{setup.ParkId}'.");
        var parkGrain = GrainFactory.GetGrain<IParkGrain>(setup.ParkId);
        var info = await parkGrain.GetInfo();
        if (info.DistrictId is null) throw new InvalidOperationException($"Park '{setup.ParkId}' belongs to no district yet.");
        var enterprises = setup.Enterprises.Distinct(StringComparer.Ordinal).ToList();
        foreach (var e in enterprises) await GrainFactory.GetGrain<IEnterpriseGrain>(e).AssignContactPoint(Id);
        await parkGrain.AddContactPoint(new ParkContactPoint(Id, setup.HostEnterpriseId, setup.SupervisorCadreId, enterprises));
        var policy = await GrainFactory.GetGrain<IDistrictGrain>(info.DistrictId).GetPolicy();

        S.ParkId = setup.ParkId;
        S.DistrictId = info.DistrictId;
        S.HostEnterpriseId = setup.HostEnterpriseId;
        S.LiaisonId = setup.LiaisonId;
        S.SupervisorCadreId = setup.SupervisorCadreId;
        S.Enterprises = enterprises;
        _enterpriseGrains.Clear();
        S.CapacityPerRound = setup.VisitCapacityPerRound;
        S.Cadence = policy.VisitCadence;
        S.Anchor = setup.FirstVisitOn ?? ChinaTime.DateOf(Now);
        S.NextIndex = 0;
        S.NextVisitOn = RoundDay(0);
        S.Rotation = 0;
        await _state.SaveAsync();
        await ArmReminder();
        return Snapshot();
    }

    public async Task<VisitRound> VisitNow()
    {
        if (S.ParkId is null) throw new InvalidOperationException($"Contact point '{Id}' is not configured.");
        var round = await Round(ChinaTime.DateOf(Now), missed: 0);
        await _state.SaveAsync();
        return round;
    }

    /// <summary>
    /// The "visit" reminder. Idempotent: it runs a round only if one is due (a tick before the next round's instant just
    /// re-arms), and after downtime it runs one round for all the rounds that fell due meanwhile (counted as missed).
    /// A change of the policy's visitCadence re-anchors the schedule on the next round's day.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != VisitReminder || S.ParkId is null || S.NextVisitOn is null)
        {
            if (await GetReminder(reminderName) is { } stray) await UnregisterReminder(stray);
            return;
        }

        var now = Now;
        var policy = await GrainFactory.GetGrain<IDistrictGrain>(S.DistrictId!).GetPolicy();
        if (policy.VisitCadence != S.Cadence)
        {
            S.Cadence = policy.VisitCadence;
            S.Anchor = S.NextVisitOn;
            S.NextIndex = 0;
        }

        if (GrainTime.NineOClock(S.NextVisitOn.Value) <= now)
        {
            var day = S.NextVisitOn.Value;
            var due = 0;
            while (GrainTime.NineOClock(RoundDay(S.NextIndex)) <= now)
            {
                S.NextIndex++;
                due++;
            }

            S.NextVisitOn = RoundDay(S.NextIndex);
            await Round(day, missed: Math.Max(0, due - 1));
        }

        await _state.SaveAsync();
        await ArmReminder();
    }

    private LocalDate RoundDay(int index) =>
        GrainTime.OnOrAfterWorkingDay(S.Anchor!.Value.Plus(GrainTime.Times(S.Cadence ?? Policy.Default.VisitCadence, index)), _calendar);

    private async Task ArmReminder()
    {
        if (S.NextVisitOn is not { } day) return;
        var now = Now;
        var at = GrainTime.NineOClock(day);
        // The period is a safety net only: every tick re-arms the reminder for the next round.
        await RegisterOrUpdateReminder(VisitReminder, at > now ? at - now : Duration.Zero, Duration.FromDays(1));
    }

    private async Task<VisitRound> Round(LocalDate day, int missed)
    {
        var now = Now;
        var cadre = S.SupervisorCadreId!;
        var park = GrainFactory.GetGrain<IParkGrain>(S.ParkId!);
        var followUps = await park.FollowUpsDue(Id);
        var capacity = Math.Min(S.CapacityPerRound ?? S.Enterprises.Count, S.Enterprises.Count);
        var visited = new List<string>(capacity);
        for (var i = 0; i < capacity; i++) visited.Add(S.Enterprises[(S.Rotation + i) % S.Enterprises.Count]);
        if (S.Enterprises.Count > 0) S.Rotation = (S.Rotation + capacity) % S.Enterprises.Count;
        foreach (var f in followUps)
            if (!visited.Contains(f.EnterpriseId)) visited.Add(f.EnterpriseId); // a follow-up is a visit too

        var raised = new List<string>();
        int resolved = 0, reopened = 0;
        VisitRequest? plain = null; // one request for every enterprise with no follow-up due (requests are immutable)
        foreach (var enterpriseId in visited)
        {
            var due = FollowUpsOf(followUps, enterpriseId);
            var request = due.Length == 0 ? plain ??= new VisitRequest(Id, cadre, due) : new VisitRequest(Id, cadre, due);
            if (!_enterpriseGrains.TryGetValue(enterpriseId, out var enterprise))
                _enterpriseGrains[enterpriseId] = enterprise = GrainFactory.GetGrain<IEnterpriseGrain>(enterpriseId);
            var outcome = await enterprise.Visit(request);
            raised.AddRange(outcome.RaisedCaseIds);
            foreach (var verdict in outcome.Verdicts)
            {
                var c = GrainFactory.GetGrain<ICaseGrain>(verdict.CaseId);
                try
                {
                    if (verdict.Resolved)
                    {
                        await c.Resolve(cadre, verdict.Score, $"follow-up visit (回访) by contact point {Id}: {verdict.Note}");
                        resolved++;
                    }
                    else
                    {
                        await c.Reopen(cadre, $"follow-up visit (回访) by contact point {Id}: {verdict.Note}", verdict.Score);
                        reopened++;
                    }
                }
                catch (CaseRuleException)
                {
                    // Someone acted on the case since the park listed it: nothing left to follow up.
                }
            }
        }

        var round = new VisitRound(S.Rounds + 1, day, now, missed, visited, raised, resolved + reopened, resolved, reopened);
        S.Rounds++;
        S.VisitsMade += visited.Count;
        S.VisitCapacity += S.CapacityPerRound ?? S.Enterprises.Count;
        S.CasesRaised += raised.Count;
        S.FollowUpsDone += resolved + reopened;
        S.RecentRounds.Add(round);
        if (S.RecentRounds.Count > RecentCapacity) S.RecentRounds.RemoveAt(0);
        await park.OnContactPointReport(new ContactPointReport(Id, S.VisitsMade, S.VisitCapacity));
        return round;
    }

    // A plain loop, not a lambda: a closure over the loop variable would be allocated for every enterprise visited.
    private static CaseSummary[] FollowUpsOf(IReadOnlyList<CaseSummary> followUps, string enterpriseId)
    {
        if (followUps.Count == 0) return [];
        List<CaseSummary>? due = null;
        foreach (var f in followUps)
            if (f.EnterpriseId == enterpriseId) (due ??= []).Add(f);
        return due is null ? [] : [.. due];
    }

    public Task<ContactPointSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    private ContactPointSnapshot Snapshot() => new(
        Id, S.ParkId, S.HostEnterpriseId, S.LiaisonId, S.SupervisorCadreId, S.Enterprises.ToArray(),
        S.Cadence ?? Policy.Default.VisitCadence, S.NextVisitOn, S.Rounds, S.VisitsMade, S.VisitCapacity, S.CasesRaised, S.FollowUpsDone,
        S.RecentRounds.ToArray());
}
