using NodaTime;

namespace ParkGrid.Runtime.Scheduling;

/// <summary>
/// One thread, a virtual clock and an event queue ordered by (time, sequence). Work due now runs in the
/// order it was scheduled; the clock jumps straight to the next timed event, so a virtual year of
/// reminders takes no wall time. Nothing here reads the wall clock or another thread.
/// </summary>
public sealed class DeterministicScheduler : TurnScheduler
{
    private readonly Queue<IThreadPoolWorkItem> _ready = new();
    private readonly PriorityQueue<TimedEvent, (long Ticks, long Sequence)> _timed = new();
    private readonly VirtualClock _clock;
    private long _sequence;
    private int _ownerThread;

    public DeterministicScheduler(Instant start)
    {
        _clock = new VirtualClock(start);
        _ownerThread = Environment.CurrentManagedThreadId;
    }

    public override IClock Clock => _clock;
    public Instant Now => _clock.Now;
    public override long NowMilliseconds => (_clock.Now.ToUnixTimeTicks()) / NodaConstants.TicksPerMillisecond;

    /// <summary>Events executed so far (turn drains and timed callbacks).</summary>
    public long EventsExecuted { get; private set; }

    /// <summary>Timed events still pending (including cancelled ones not yet discarded).</summary>
    public int PendingTimedEvents => _timed.Count;

    public override void Schedule(IThreadPoolWorkItem workItem)
    {
        CheckThread();
        _ready.Enqueue(workItem);
    }

    public override ScheduledCallback ScheduleAt(Instant due, Action<object?> callback, object? state)
    {
        CheckThread();
        var ev = new TimedEvent(callback, state);
        if (due <= _clock.Now) _ready.Enqueue(ev); // due now: behind everything already queued, as its sequence says
        else _timed.Enqueue(ev, (due.ToUnixTimeTicks(), _sequence++));
        return ev;
    }

    public override ScheduledCallback ScheduleAfterMilliseconds(long milliseconds, Action<object?> callback, object? state) =>
        ScheduleAt(_clock.Now + Duration.FromMilliseconds(milliseconds), callback, state);

    public override bool IsSingleThreaded => true;

    public override void EnsureOwnerThread() => CheckThread();

    /// <summary>The thread that runs this scheduler; by default the one that created it.</summary>
    public void TakeOwnership() => _ownerThread = Environment.CurrentManagedThreadId;

    /// <summary>Runs all work due at the current instant.</summary>
    public void RunReady()
    {
        CheckThread();
        while (_ready.TryDequeue(out var item))
        {
            EventsExecuted++;
            item.Execute();
        }
    }

    /// <summary>Runs every event due up to and including <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(Instant until) => RunWhile(until, static () => true);

    /// <summary>Runs events in order while <paramref name="condition"/> holds, not past <paramref name="until"/>.
    /// Returns true if the condition became false.</summary>
    public bool RunWhile(Instant until, Func<bool> condition)
    {
        CheckThread();
        RunReady();
        while (condition())
        {
            if (!_timed.TryPeek(out _, out var key) || key.Ticks > until.ToUnixTimeTicks())
            {
                if (until > _clock.Now) _clock.Now = until;
                return !condition();
            }
            _clock.Now = Instant.FromUnixTimeTicks(key.Ticks);
            // Everything due at this instant joins the ready queue in sequence order, before newer work.
            while (_timed.TryPeek(out var ev, out var k) && k.Ticks == key.Ticks)
            {
                _timed.Dequeue();
                if (!ev.Cancelled) _ready.Enqueue(ev);
            }
            RunReady();
        }
        return true;
    }

    /// <summary>The instant of the next pending timed event, if any.</summary>
    public Instant? NextEventTime => _timed.TryPeek(out _, out var key) ? Instant.FromUnixTimeTicks(key.Ticks) : null;

    private void CheckThread()
    {
        if (Environment.CurrentManagedThreadId != _ownerThread)
            throw new InvalidOperationException(
                "The deterministic host is single-threaded: it was called from another thread. Drive it with DeterministicHost.Run(...) on the thread that owns it.");
    }

    private sealed class TimedEvent(Action<object?> callback, object? state) : ScheduledCallback, IThreadPoolWorkItem
    {
        private Action<object?>? _callback = callback;
        private object? _state = state;

        public bool Cancelled { get; private set; }

        public override void Cancel()
        {
            Cancelled = true;
            // A cancelled event waits in the queue until its time (a reminder re-registered for a new deadline leaves one
            // behind at every change): it must not keep what it would have run alive until then.
            _callback = null;
            _state = null;
        }

        public void Execute()
        {
            if (!Cancelled) _callback!(_state);
        }
    }
}

/// <summary>A clock that only moves when its scheduler moves it.</summary>
public sealed class VirtualClock(Instant start) : IClock
{
    public Instant Now { get; internal set; } = start;
    public Instant GetCurrentInstant() => Now;
}
