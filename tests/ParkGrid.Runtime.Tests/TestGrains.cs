using System.Collections.Concurrent;
using NodaTime;
using ParkGrid.Runtime;

namespace ParkGrid.Runtime.Tests;

// Grains used by the runtime tests. Each records what the runtime did to it, so tests can assert behaviour.

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();
    [ReadOnly] Task<int> Get();
    Task<int> Constructions();
    Task Fail(string message);
    Task SetWithoutWriting(int value);
    Task Write();
    Task<long> StateVersion();
    Task DeactivateSoon();
}

public sealed class CounterState
{
    public int Value { get; set; }
    public List<string> Log { get; set; } = [];
}

/// <summary>Counts constructions per key across activations (tests read it).</summary>
public static class Probe
{
    public static readonly ConcurrentDictionary<string, int> Constructions = new();
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Events = new();

    public static void Record(string key, string what) => Events.GetOrAdd(key, _ => new()).Enqueue(what);
    public static string[] EventsOf(string key) => Events.TryGetValue(key, out var q) ? [.. q] : [];
}

public sealed class CounterGrain : Grain, ICounterGrain
{
    private readonly IPersistentState<CounterState> _state;
    private readonly int _construction;

    public CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state)
    {
        _state = state;
        _construction = Probe.Constructions.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // State is read before OnActivateAsync: record what was there.
        Probe.Record(GetPrimaryKeyString(), $"activate v{_state.Version} value {_state.State.Value}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate {reason}");
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        _state.State.Value++;
        await _state.WriteStateAsync();
        return _state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(_state.State.Value);
    public Task<int> Constructions() => Task.FromResult(_construction);
    public Task Fail(string message) => throw new ArgumentException(message);

    public Task SetWithoutWriting(int value)
    {
        _state.State.Value = value;
        return Task.CompletedTask;
    }

    public Task Write() => _state.WriteStateAsync();
    public Task<long> StateVersion() => Task.FromResult(_state.Version);

    public Task DeactivateSoon()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Gates that tests open to let a grain's await continue (live host only).</summary>
public static class Gates
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> All = new();
    public static Task Wait(string name) => All.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    public static void Open(string name) => All.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

public interface ITurnGrain : IGrainWithStringKey
{
    Task Write(string label, string gate);
    [ReadOnly] Task Read(string label, string gate);
    [AlwaysInterleave] Task Interleaved(string label);
    // Probes interleave always, so a test can look inside while turns are waiting.
    [AlwaysInterleave] Task<int> MaxConcurrent();
    [AlwaysInterleave] Task<string[]> Order();
}

public sealed class TurnGrain : Grain, ITurnGrain
{
    private int _running;
    private int _maxConcurrent;
    private int _threadsInside;
    private readonly List<string> _order = [];

    private async Task Body(string label, string gate)
    {
        // Single-threadedness: no two threads are ever inside this grain's code at once.
        if (Interlocked.Increment(ref _threadsInside) != 1) throw new InvalidOperationException("two threads inside one activation");
        _running++;
        _maxConcurrent = Math.Max(_maxConcurrent, _running);
        _order.Add("start " + label);
        Interlocked.Decrement(ref _threadsInside);
        if (gate.Length > 0) await Gates.Wait(gate);
        if (Interlocked.Increment(ref _threadsInside) != 1) throw new InvalidOperationException("two threads inside one activation");
        _order.Add("end " + label);
        _running--;
        Interlocked.Decrement(ref _threadsInside);
    }

    public Task Write(string label, string gate) => Body(label, gate);
    public Task Read(string label, string gate) => Body(label, gate);

    public Task Interleaved(string label)
    {
        _order.Add("interleaved " + label);
        return Task.CompletedTask;
    }

    public Task<int> MaxConcurrent() => Task.FromResult(_maxConcurrent);
    public Task<string[]> Order() => Task.FromResult(_order.ToArray());
}

public interface IPingGrain : IGrainWithStringKey
{
    Task<string> CallOther(string otherKey);
    Task<string> CallBack(string callerKey);
    [AlwaysInterleave] Task<string> CallBackInterleaved(string callerKey);
    Task<string> CallOtherInterleaved(string otherKey);
    Task<string> Hello();
    [AlwaysInterleave] Task<string> HelloInterleaved();
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> CallOther(string otherKey) => GrainFactory.GetGrain<IPingGrain>(otherKey).CallBack(GetPrimaryKeyString());
    public Task<string> CallBack(string callerKey) => GrainFactory.GetGrain<IPingGrain>(callerKey).Hello();
    public Task<string> CallOtherInterleaved(string otherKey) => GrainFactory.GetGrain<IPingGrain>(otherKey).CallBackInterleaved(GetPrimaryKeyString());
    public Task<string> CallBackInterleaved(string callerKey) => GrainFactory.GetGrain<IPingGrain>(callerKey).HelloInterleaved();
    public Task<string> Hello() => Task.FromResult("hello from " + GetPrimaryKeyString());
    public Task<string> HelloInterleaved() => Task.FromResult("hello from " + GetPrimaryKeyString());
}

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(Duration due, Duration period, bool keepAlive);
    Task StartSlow(Duration period, string gatePrefix);
    Task Stop();
    Task Rearm(Duration due);
    [AlwaysInterleave] Task<Instant[]> Ticks();
    [AlwaysInterleave] Task<int> MaxConcurrentTicks();
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    private readonly List<Instant> _ticks = [];
    private IGrainTimer? _timer;
    private int _inTick;
    private int _maxInTick;

    public Task Start(Duration due, Duration period, bool keepAlive)
    {
        var watching = false;
        _timer = RegisterGrainTimer(stopped =>
        {
            if (!watching)
            {
                // Disposing the timer (as deactivation does) cancels its token: recorded apart from the ticks.
                watching = true;
                var key = GetPrimaryKeyString();
                stopped.Register(() => Probe.Record(key + "/stopped", "stopped"));
            }
            _ticks.Add(Clock.GetCurrentInstant());
            Probe.Record(GetPrimaryKeyString(), "tick");
            return Task.CompletedTask;
        }, new GrainTimerOptions(due, period, KeepAlive: keepAlive));
        return Task.CompletedTask;
    }

    public Task StartSlow(Duration period, string gatePrefix)
    {
        _timer = RegisterGrainTimer(async _ =>
        {
            _maxInTick = Math.Max(_maxInTick, ++_inTick);
            var n = _ticks.Count;
            _ticks.Add(Clock.GetCurrentInstant());
            await Gates.Wait(gatePrefix + n); // a tick that lasts far longer than the period
            _inTick--;
        }, new GrainTimerOptions(period, period));
        return Task.CompletedTask;
    }

    public Task Stop()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task Rearm(Duration due)
    {
        _timer!.Change(due, Duration.MaxValue);
        return Task.CompletedTask;
    }

    public Task<Instant[]> Ticks() => Task.FromResult(_ticks.ToArray());
    public Task<int> MaxConcurrentTicks() => Task.FromResult(_maxInTick);
}

public interface IReminderGrain : IGrainWithStringKey, IRemindable
{
    Task Register(string name, Duration due, Duration period);
    Task Unregister(string name);
    [ReadOnly] Task<List<TickStatus>> Received();
}

public sealed class ReminderLog
{
    public List<TickStatus> Received { get; set; } = [];
}

public sealed class ReminderGrain([PersistentState("reminders")] IPersistentState<ReminderLog> log) : Grain, IReminderGrain
{
    public async Task Register(string name, Duration due, Duration period) => await RegisterOrUpdateReminder(name, due, period);

    public async Task Unregister(string name)
    {
        var reminder = await GetReminder(name) ?? throw new InvalidOperationException($"no reminder {name}");
        await UnregisterReminder(reminder);
    }

    public Task<List<TickStatus>> Received() => Task.FromResult(log.State.Received);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        log.State.Received.Add(status);
        await log.WriteStateAsync();
    }
}

/// <summary>A grain whose every decision comes from its random stream, for determinism tests.</summary>
public interface IWandererGrain : IGrainWithStringKey
{
    Task Start(int peers);
    Task Poke();
    [ReadOnly] Task<int> Pokes();
}

public sealed class WandererGrain : Grain, IWandererGrain
{
    private int _peers;
    private int _pokes;

    public Task Start(int peers)
    {
        _peers = peers;
        var random = GetRandom("schedule");
        RegisterGrainTimer(async _ =>
        {
            var target = GrainFactory.GetGrain<IWandererGrain>("w" + GetRandom("target").Next(_peers));
            await target.Poke();
        }, new GrainTimerOptions(Duration.FromMinutes(random.Next(1, 60)), Duration.FromMinutes(random.Next(1, 60)), KeepAlive: true));
        return Task.CompletedTask;
    }

    public Task Poke()
    {
        _pokes++;
        return Task.CompletedTask;
    }

    public Task<int> Pokes() => Task.FromResult(_pokes);
}

/// <summary>Draws one number from a kept (GetRandom) or a fresh (NewRandom) stream of a purpose.</summary>
public interface IDiceGrain : IGrainWithStringKey
{
    Task<double> Kept(string purpose);
    Task<double> Fresh(string purpose);
}

public sealed class DiceGrain : Grain, IDiceGrain
{
    public Task<double> Kept(string purpose) => Task.FromResult(GetRandom(purpose).NextDouble());
    public Task<double> Fresh(string purpose) => Task.FromResult(NewRandom(purpose).NextDouble());
}

public interface IBrokenGrain : IGrainWithStringKey
{
    Task<string> Hello();
}

public sealed class BrokenGrain : Grain, IBrokenGrain
{
    public static int Attempts;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref Attempts) == 1) throw new InvalidOperationException("the first activation fails");
        return Task.CompletedTask;
    }

    public Task<string> Hello() => Task.FromResult("hello");
}

public interface INoteGrain : IGrainWithStringKey
{
    Task Add(string note);
    [ReadOnly] Task<List<string>> Notes();
}

public sealed class NoteState
{
    public List<string> Notes { get; set; } = [];
}

/// <summary>The Orleans Grain&lt;TState&gt; shape: one state named "state", read before activation.</summary>
public sealed class NoteGrain : Grain<NoteState>, INoteGrain
{
    public async Task Add(string note)
    {
        State.Notes.Add(note);
        await WriteStateAsync();
    }

    public Task<List<string>> Notes() => Task.FromResult(State.Notes);
}

/// <summary>Re-arms its reminder from inside the reminder's own tick, as working-day deadlines do.</summary>
public interface IRearmingGrain : IGrainWithStringKey, IRemindable
{
    Task Start();
    [ReadOnly] Task<List<Instant>> Ticks();
}

public sealed class RearmingGrain([PersistentState("ticks")] IPersistentState<ReminderLog> log) : Grain, IRearmingGrain
{
    public Task Start() => RegisterOrUpdateReminder("r", Duration.FromHours(1), Duration.FromDays(1));

    public Task<List<Instant>> Ticks() => Task.FromResult(log.State.Received.Select(t => t.CurrentTickTime).ToList());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        log.State.Received.Add(status);
        await log.WriteStateAsync();
        if (log.State.Received.Count == 1) await RegisterOrUpdateReminder("r", Duration.FromHours(5), Duration.FromDays(1));
    }
}
