using NodaTime;

namespace ParkGrid.Runtime.Scheduling;

/// <summary>Turns on the .NET thread pool, timers on the wall clock (optionally scaled for demos).</summary>
/// <param name="onCallbackError">Told of an exception a scheduled callback threw (it must not take the process down).</param>
public sealed class LiveScheduler(IClock clock, double timeScale = 1.0, Action<Exception>? onCallbackError = null) : TurnScheduler
{
    public override IClock Clock { get; } = clock;
    public double TimeScale { get; } = timeScale > 0 ? timeScale : throw new ArgumentOutOfRangeException(nameof(timeScale), "The time scale must be positive.");
    public override long NowMilliseconds => Environment.TickCount64;

    public override void Schedule(IThreadPoolWorkItem workItem) => ThreadPool.UnsafeQueueUserWorkItem(workItem, preferLocal: false);

    public override ScheduledCallback ScheduleAt(Instant due, Action<object?> callback, object? state) =>
        new DueCallback(this, due, callback, state);

    private long RealDelayUntil(Instant due) =>
        (long)Math.Ceiling(Math.Max(0, (due - Clock.GetCurrentInstant()).TotalMilliseconds / TimeScale));

    /// <summary>
    /// Runs the callback once the clock has reached <c>due</c>. .NET timers count whole milliseconds and may fire
    /// a little early by a high-resolution clock (by seconds of virtual time on a scaled clock), so an early
    /// wake-up re-arms for the rest: a timer or reminder never fires before its due time.
    /// </summary>
    private sealed class DueCallback : ScheduledCallback
    {
        private readonly LiveScheduler _scheduler;
        private readonly Instant _due;
        private readonly Action<object?> _callback;
        private readonly object? _state;
        private ScheduledCallback? _pending;
        private volatile bool _cancelled;

        public DueCallback(LiveScheduler scheduler, Instant due, Action<object?> callback, object? state)
        {
            _scheduler = scheduler;
            _due = due;
            _callback = callback;
            _state = state;
            Arm();
        }

        private void Arm()
        {
            var pending = _scheduler.ScheduleAfterMilliseconds(_scheduler.RealDelayUntil(_due), static s => ((DueCallback)s!).Wake(), this);
            lock (this) _pending = pending;
            if (_cancelled) pending.Cancel();
        }

        private void Wake()
        {
            if (_cancelled) return;
            if (_scheduler.Clock.GetCurrentInstant() < _due) Arm();
            else _callback(_state);
        }

        public override void Cancel()
        {
            _cancelled = true;
            lock (this) _pending?.Cancel();
        }
    }

    public override ScheduledCallback ScheduleAfterMilliseconds(long milliseconds, Action<object?> callback, object? state) =>
        new TimerCallbackHandle(Math.Clamp(milliseconds, 0, int.MaxValue - 1), callback, state, onCallbackError);

    private sealed class TimerCallbackHandle : ScheduledCallback
    {
        private readonly Timer _timer;
        private readonly Action<object?> _callback;
        private readonly object? _state;
        private readonly Action<Exception>? _onError;

        public TimerCallbackHandle(long dueMs, Action<object?> callback, object? state, Action<Exception>? onError)
        {
            _callback = callback;
            _state = state;
            _onError = onError;
            // A timer does not capture the execution context here: grain code must not inherit the scheduler's.
            // It is created idle and armed once stored: a due time of 0 may fire before the constructor returns.
            using (ExecutionContext.SuppressFlow())
                _timer = new Timer(static s => ((TimerCallbackHandle)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
            _timer.Change(dueMs, Timeout.Infinite);
        }

        private void Fire()
        {
            _timer.Dispose();
            try
            {
                _callback(_state);
            }
            catch (Exception e)
            {
                if (_onError is null) Console.Error.WriteLine($"ParkGrid: a scheduled callback failed: {e}");
                else _onError(e);
            }
        }

        public override void Cancel() => _timer.Dispose();
    }
}

/// <summary>A wall clock that runs <see cref="Scale"/> times faster from a chosen start, for demos (e.g. one virtual day per second).</summary>
public sealed class ScaledClock : IClock
{
    private readonly Instant _virtualStart;
    private readonly long _realStartTimestamp;

    public ScaledClock(Instant virtualStart, double scale)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), "The clock scale must be positive.");
        _virtualStart = virtualStart;
        Scale = scale;
        _realStartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public double Scale { get; }

    public Instant GetCurrentInstant()
    {
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(_realStartTimestamp);
        return _virtualStart + Duration.FromTicks((long)(elapsed.Ticks * Scale));
    }
}
