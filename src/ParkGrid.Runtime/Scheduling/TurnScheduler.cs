using NodaTime;

namespace ParkGrid.Runtime.Scheduling;

/// <summary>
/// Where turns run and how time passes. The live host runs turns on the thread pool against a wall clock;
/// the deterministic host runs them on one thread against a virtual clock. Everything in the runtime that
/// waits or schedules goes through this, which is what keeps a simulation deterministic.
/// </summary>
public abstract class TurnScheduler
{
    public abstract IClock Clock { get; }

    /// <summary>Monotonic milliseconds for bookkeeping: call timeouts and idle ages (wall time live, virtual time in a simulation).</summary>
    public abstract long NowMilliseconds { get; }

    /// <summary>Runs the work item soon.</summary>
    public abstract void Schedule(IThreadPoolWorkItem workItem);

    /// <summary>Calls <paramref name="callback"/> once the clock reaches <paramref name="due"/>.</summary>
    public abstract ScheduledCallback ScheduleAt(Instant due, Action<object?> callback, object? state);

    /// <summary>Calls <paramref name="callback"/> after <paramref name="milliseconds"/> of bookkeeping time (see <see cref="NowMilliseconds"/>).</summary>
    public abstract ScheduledCallback ScheduleAfterMilliseconds(long milliseconds, Action<object?> callback, object? state);

    /// <summary>Everything runs on one thread, which <see cref="EnsureOwnerThread"/> enforces: the runtime then takes no locks.</summary>
    public virtual bool IsSingleThreaded => false;

    /// <summary>Throws if the calling thread may not use this scheduler (only a single-threaded scheduler has an owner).</summary>
    public virtual void EnsureOwnerThread()
    {
    }
}

/// <summary>A pending scheduled callback; cancel it to prevent it from running.</summary>
public abstract class ScheduledCallback
{
    public abstract void Cancel();
}
