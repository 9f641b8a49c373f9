using NodaTime;
using ParkGrid.Runtime.Catalog;
using ParkGrid.Runtime.Scheduling;

namespace ParkGrid.Runtime.Hosting;

/// <summary>
/// The deterministic host: the same grains on one thread and a virtual clock. Drive it with
/// <see cref="Run{T}"/> (code that calls grains) and <see cref="AdvanceBy"/> (let virtual time pass).
/// Every turn is folded into <see cref="TraceHash"/>: the same program and seed give the same hash.
/// </summary>
public sealed class DeterministicHost : IDisposable
{
    private readonly DeterministicScheduler _scheduler;
    private readonly HostContext _context;
    private ulong _traceHash = 14695981039346656037UL;
    private readonly Dictionary<string, ulong> _nameHashes = new(StringComparer.Ordinal);

    internal DeterministicHost(DeterministicScheduler scheduler, GrainRuntime runtime)
    {
        _scheduler = scheduler;
        Runtime = runtime;
        _context = new HostContext(scheduler);
        runtime.TurnObserver = ObserveTurn;
        Run(runtime.StartAsync);
    }

    public GrainRuntime Runtime { get; }
    public IGrainFactory GrainFactory => Runtime;
    public Instant Now => _scheduler.Now;
    public IClock Clock => _scheduler.Clock;

    /// <summary>Turns executed so far (calls, timer ticks, reminders, activations).</summary>
    public long TurnsExecuted { get; private set; }

    /// <summary>Turns executed so far by grain type (types without a turn left out); they add up to <see cref="TurnsExecuted"/>.</summary>
    public IReadOnlyDictionary<string, long> TurnsByGrainType =>
        Runtime.Registry.All.Where(c => c.DeterministicTurns > 0).ToDictionary(c => c.GrainTypeName, c => c.DeterministicTurns, StringComparer.Ordinal);

    /// <summary>A hash of every turn so far: its virtual time, grain and name, in order.</summary>
    public ulong TraceHash => _traceHash;

    /// <summary>
    /// Runs <paramref name="driver"/> on the host thread, letting virtual time pass until it completes. The driver
    /// starts behind the work already due now, as any event scheduled now would, so it sees that work done.
    /// </summary>
    public T Run<T>(Func<Task<T>> driver)
    {
        var task = Start(driver);
        return task.GetAwaiter().GetResult();
    }

    public void Run(Func<Task> driver) => Start(async () => { await driver(); return true; }).GetAwaiter().GetResult();

    private Task<T> Start<T>(Func<Task<T>> driver)
    {
        Task<T>? task = null;
        _context.Post(_ =>
        {
            try
            {
                task = driver();
            }
            catch (Exception e)
            {
                task = Task.FromException<T>(e);
            }
        }, null);
        WithContext(() =>
        {
            if (!_scheduler.RunWhile(Instant.MaxValue, () => task is null || !task.IsCompleted) && task is not { IsCompleted: true })
                throw new InvalidOperationException(
                    $"The driver is waiting for something that can never happen: no event is pending at {Now}. A grain call is probably waiting on a call cycle with no timeout left to fire.");
        });
        return task!;
    }

    /// <summary>Lets virtual time pass: runs every event due until <see cref="Now"/> + <paramref name="duration"/>.</summary>
    public void AdvanceBy(Duration duration) => AdvanceTo(Now + duration);

    public void AdvanceTo(Instant instant)
    {
        if (instant < Now) throw new ArgumentOutOfRangeException(nameof(instant), $"Virtual time cannot go back from {Now} to {instant}.");
        WithContext(() => _scheduler.RunUntil(instant));
    }

    /// <summary>Runs whatever is due now without moving the clock.</summary>
    public void RunReady() => WithContext(_scheduler.RunReady);

    /// <summary>Deactivates every grain, flushing state, and stops reminders.</summary>
    public void Stop() => Run(Runtime.StopAsync);

    public void Dispose() => Runtime.Statistics.Dispose();

    private void WithContext(Action action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void ObserveTurn(Activation activation, string turnName)
    {
        TurnsExecuted++;
        activation.Class.DeterministicTurns++;
        if (activation.TraceId == 0) activation.TraceId = StableHash.Of(activation.GrainId) | 1;
        if (!_nameHashes.TryGetValue(turnName, out var nameHash)) _nameHashes[turnName] = nameHash = StableHash.Of(turnName);
        _traceHash = StableHash.Mix(_traceHash ^ (ulong)Now.ToUnixTimeTicks()) ^ activation.TraceId;
        _traceHash = StableHash.Mix(_traceHash ^ nameHash);
    }

    /// <summary>Continuations of driver code and runtime code come back to the host thread, in order.</summary>
    private sealed class HostContext(DeterministicScheduler scheduler) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => scheduler.Schedule(new PostedCallback(d, state, this));
        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("The deterministic host cannot block.");
        public override SynchronizationContext CreateCopy() => this;

        private sealed class PostedCallback(SendOrPostCallback callback, object? state, HostContext context) : IThreadPoolWorkItem
        {
            public void Execute()
            {
                var previous = Current;
                SetSynchronizationContext(context);
                try { callback(state); }
                finally { SetSynchronizationContext(previous); }
            }
        }
    }
}
