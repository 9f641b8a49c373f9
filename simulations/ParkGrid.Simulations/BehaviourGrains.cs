using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Simulations;

// Behaviour of the people in a simulation, as grains on the same runtime as the domain grains: they act only through
// timers and the domain grains' public interfaces, and draw randomness only from GetRandom/NewRandom(purpose) (seeded by the run
// seed = f(scenario seed, replication), never by the policy). Call directions are one-way: behaviour grains call domain
// grains; domain grains reach behaviour grains only through the IDomainEventSink, whose calls are never awaited by the
// publishing case, and every action they cause runs later in a timer turn of the behaviour grain.
// A purpose drawn once per case (acknowledge, verify, substantiate) takes NewRandom, which the activation does not keep;
// one that a case can draw again (handling after a reopen, good faith at each escalation) takes GetRandom, whose stream
// continues from one draw to the next.

/// <summary>Problem arrivals of one park: the per-enterprise Poisson processes of every category superposed into one stream.</summary>
public interface ISimArrivalsGrain : IGrainWithStringKey
{
    Task Start();
}

/// <summary>The supervision office (纪委监委): acknowledges and verifies cases, assigns substantiated ones, reassigns reopened ones,
/// and has departments declare good faith under fault tolerance.</summary>
public interface ISimOfficeGrain : IGrainWithStringKey
{
    Task OnCaseEvent(DomainEvent domainEvent);
}

/// <summary>A department's case handlers: c servers and a queue (FCFS or escalated-first).</summary>
public interface ISimDeskGrain : IGrainWithStringKey
{
    Task OnCaseEvent(DomainEvent domainEvent);
}

public sealed class SimArrivalsGrain(SimulationRun run) : Grain, ISimArrivalsGrain
{
    private ParkPlan _plan = null!;
    private Random _random = null!;
    private Instant _next;
    private double _ratePerDay;
    private double[] _categoryCumulative = [];
    private CaseCategory[] _categories = [];
    private (CaseChannel Channel, double Rate)[] _channels = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DelayDeactivation(Duration.FromDays(100_000));
        return Task.CompletedTask;
    }

    public Task Start()
    {
        _plan = run.Parks[GetPrimaryKeyString()];
        _random = GetRandom("arrivals"); // depends on (run seed, park) only: common random numbers across policies
        var s = run.Scenario;
        _categories = s.ProblemRates.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToArray();
        var perYear = _categories.Select(c => s.ProblemRates[c] * _plan.Enterprises.Length).ToArray();
        var total = perYear.Sum();
        _ratePerDay = total / 365.0;
        _categoryCumulative = new double[perYear.Length];
        var acc = 0.0;
        for (var i = 0; i < perYear.Length; i++) _categoryCumulative[i] = (acc += perYear[i]) / total;
        _channels = s.Channels.PerDay.Where(kv => kv.Value > 0)
            .Select(kv => (kv.Key, kv.Value >= 1 ? double.PositiveInfinity : -Math.Log(1 - kv.Value))).ToArray();
        if (_ratePerDay <= 0) return Task.CompletedTask;
        _next = Clock.GetCurrentInstant();
        ScheduleNext();
        return Task.CompletedTask;
    }

    private void ScheduleNext()
    {
        var gapDays = -Math.Log(1 - _random.NextDouble()) / _ratePerDay;
        _next += Duration.FromTicks((long)(gapDays * NodaConstants.TicksPerDay));
        if (_next >= run.Scenario.End) return;
        var now = Clock.GetCurrentInstant();
        RegisterGrainTimer(Arrive, GrainTimerOptions.Once(_next > now ? _next - now : Duration.Zero));
    }

    private async Task Arrive(CancellationToken _)
    {
        var now = Clock.GetCurrentInstant();
        // Every arrival consumes the same draws whatever happens to it, so the stream stays aligned across policies.
        var enterpriseIndex = _random.Next(_plan.Enterprises.Length);
        var u = _random.NextDouble();
        var categoryIndex = Array.BinarySearch(_categoryCumulative, u);
        if (categoryIndex < 0) categoryIndex = ~categoryIndex;
        categoryIndex = Math.Min(categoryIndex, _categories.Length - 1);
        var category = _categories[categoryIndex];
        var reportDelayDays = double.PositiveInfinity;
        CaseChannel? channel = null;
        foreach (var (ch, rate) in _channels)
        {
            var d = double.IsPositiveInfinity(rate) ? 0 : -Math.Log(1 - _random.NextDouble()) / rate;
            if (d < reportDelayDays) (reportDelayDays, channel) = (d, ch);
        }

        var foundAtVisit = _random.NextDouble() < run.Scenario.Channels.FoundAtVisit;
        var enterpriseId = _plan.Enterprises[enterpriseIndex];
        run.Metrics.OnArrival(now, enterpriseId, category);

        ScheduleNext();

        var reportAt = double.IsPositiveInfinity(reportDelayDays) ? Instant.MaxValue : now + Duration.FromTicks((long)Math.Min(reportDelayDays * NodaConstants.TicksPerDay, 1e17));
        var visitAt = _plan.NextVisit(enterpriseIndex, now, run.VisitCadence);
        var enterprise = GrainFactory.GetGrain<IEnterpriseGrain>(enterpriseId);
        if (foundAtVisit && visitAt is { } v && v <= reportAt)
        {
            run.Metrics.Problems.Latent++;
            await enterprise.ReportProblem(new ProblemReport(category));
        }
        else if (channel is { } c && reportAt < run.Scenario.End)
        {
            run.Metrics.Problems.ChannelPending++;
            RegisterGrainTimer(async _ =>
            {
                run.Metrics.Problems.ChannelPending--;
                run.Metrics.Problems.ChannelFiled++;
                await enterprise.ReportProblem(new ProblemReport(category, Channel: c));
            }, GrainTimerOptions.Once(reportAt - now));
        }
        else
        {
            run.Metrics.OnNeverReported(now);
        }
    }
}

public sealed class SimOfficeGrain(SimulationRun run) : Grain, ISimOfficeGrain
{
    private const string Actor = "sim-office";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DelayDeactivation(Duration.FromDays(100_000));
        return Task.CompletedTask;
    }

    public Task OnCaseEvent(DomainEvent e)
    {
        var id = e.CaseId;
        switch (e.Action)
        {
            case CaseAction.Receive:
                After(run.Behaviour.AckDays.Sample(NewRandom("ack/" + id)), () => Acknowledge(id, e.Case.Category));
                break;
            case CaseAction.Reopen:
                var department = e.Case.DepartmentId ?? run.Scenario.DepartmentFor(e.Case.Category);
                After(0, () => Case(id).Assign(Actor, department));
                break;
            case CaseAction.MarkFollowUpDue:
                // Satisfaction dynamics: the score the enterprise will give at this follow-up falls with the time the case
                // has been open and the escalations it needed (set on the enterprise just before the visit that follows up).
                var b = run.Behaviour;
                var days = (e.At - e.Case.ReceivedAt).TotalDays;
                var score = b.SatisfiedScore - b.SatisfactionLossPerDay * days - b.SatisfactionLossPerEscalation * (int)(e.Case.EscalationLevel ?? 0);
                var satisfied = (int)Math.Round(Math.Clamp(score, b.UnsatisfiedScore, 100));
                var enterprise = e.Case.EnterpriseId;
                After(0, () => GrainFactory.GetGrain<IEnterpriseGrain>(enterprise).SetSatisfaction(satisfied, b.UnsatisfiedScore));
                break;
            case CaseAction.Escalate when run.Policy.FaultTolerance && e.Case.EscalationLevel == ParkGrid.Domain.Escalation.EscalationStep.ReminderLetter:
                if (GetRandom("good-faith/" + id).NextDouble() < run.Behaviour.GoodFaithShare)
                    After(0, async () =>
                    {
                        await Case(id).DeclareGoodFaith(Actor, "good-faith error, corrected");
                        run.Metrics.GoodFaith++;
                    });
                break;
        }

        return Task.CompletedTask;
    }

    private ICaseGrain Case(string id) => GrainFactory.GetGrain<ICaseGrain>(id);

    private async Task Acknowledge(string id, CaseCategory category)
    {
        await Case(id).StartVerification(Actor);
        After(run.Behaviour.VerifyDays.Sample(NewRandom("verify/" + id)), () => Decide(id, category));
    }

    private async Task Decide(string id, CaseCategory category)
    {
        if (NewRandom("substantiate/" + id).NextDouble() < run.Behaviour.SubstantiatedFor(category))
        {
            await Case(id).Substantiate(Actor, "substantiated");
            await Case(id).Assign(Actor, run.Scenario.DepartmentFor(category));
        }
        else
        {
            await Case(id).MarkUnfounded(Actor, "not substantiated", null);
        }
    }

    private void After(double days, Func<Task> action) =>
        RegisterGrainTimer(async _ =>
        {
            try
            {
                await action();
            }
            catch (CaseRuleException)
            {
                run.Metrics.RefusedActions++; // the case moved on meanwhile (e.g. closed): nothing to do
            }
        }, GrainTimerOptions.Once(Duration.FromTicks((long)(Math.Max(0, days) * NodaConstants.TicksPerDay))));
}

public sealed class SimDeskGrain(SimulationRun run) : Grain, ISimDeskGrain
{
    private const string Actor = "sim-handler";
    private readonly PriorityQueue<Waiting, (int, long)> _queue = new();
    private readonly Dictionary<string, int> _levels = new(StringComparer.Ordinal);
    private int _busy;
    private long _sequence;
    private bool _dispatchArmed;
    private int _handlers;
    private bool _escalatedFirst;
    private DeskMetrics _metrics = null!;

    private sealed record Waiting(string CaseId, Instant Since, CaseCategory Category);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DelayDeactivation(Duration.FromDays(100_000));
        _handlers = run.HandlersOf(GetPrimaryKeyString());
        _escalatedFirst = run.Behaviour.Queue == "escalated-first";
        _metrics = run.Metrics.Desk(GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task OnCaseEvent(DomainEvent e)
    {
        var level = (int)(e.Case.EscalationLevel ?? 0);
        if (e.Action == CaseAction.Assign)
        {
            _levels[e.CaseId] = level;
            _queue.Enqueue(new Waiting(e.CaseId, e.At, e.Case.Category), (_escalatedFirst ? -level : 0, _sequence++));
            _metrics.QueueChanged(e.At, +1);
            ArmDispatch();
        }
        else if (_levels.ContainsKey(e.CaseId))
        {
            _levels[e.CaseId] = level; // escalation while waiting or in service (priority is fixed at enqueue; speed-up at start)
        }

        return Task.CompletedTask;
    }

    private void ArmDispatch()
    {
        if (_dispatchArmed || _busy >= _handlers || _queue.Count == 0) return;
        _dispatchArmed = true;
        RegisterGrainTimer(Dispatch, GrainTimerOptions.Once(Duration.Zero));
    }

    private async Task Dispatch(CancellationToken cancellation)
    {
        _dispatchArmed = false;
        while (_busy < _handlers && _queue.TryDequeue(out var w, out var _priority))
        {
            var now = Clock.GetCurrentInstant();
            _metrics.QueueChanged(now, -1);
            _busy++;
            try
            {
                await GrainFactory.GetGrain<ICaseGrain>(w.CaseId).StartRectification(Actor);
            }
            catch (CaseRuleException)
            {
                _busy--;
                _levels.Remove(w.CaseId);
                run.Metrics.RefusedActions++;
                continue;
            }

            _metrics.OnStart(w.Since, now);
            var level = _levels.GetValueOrDefault(w.CaseId);
            var days = run.HandlingOf(GetPrimaryKeyString()).Sample(GetRandom("handle/" + w.CaseId)) / Math.Pow(1 + run.Behaviour.EscalationSpeedup, level);
            var id = w.CaseId;
            RegisterGrainTimer(async _ => await Complete(id), GrainTimerOptions.Once(Duration.FromTicks((long)(days * NodaConstants.TicksPerDay))));
        }
    }

    private async Task Complete(string id)
    {
        _busy--;
        _levels.Remove(id);
        try
        {
            await GrainFactory.GetGrain<ICaseGrain>(id).ReportRectification(Actor, "rectified");
            _metrics.Completed++;
        }
        catch (CaseRuleException)
        {
            run.Metrics.RefusedActions++;
        }

        ArmDispatch();
    }
}
