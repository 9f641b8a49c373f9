using ParkGrid.Runtime.Scheduling;

namespace ParkGrid.Runtime.Catalog;

/// <summary>
/// Ends calls that wait longer than the call timeout, so a call cycle (A → B → A) fails with a clear error
/// instead of hanging. Only activations with a waiting call are watched, and a sweep is scheduled only
/// when one is due, so an idle or simulated runtime pays nothing for it.
/// </summary>
internal sealed class CallWatchdog(GrainRuntime runtime)
{
    private readonly object _lock = new();
    private Gate Locked() => new(_lock, runtime.Concurrent);
    private readonly HashSet<Activation> _watched = [];
    private Scheduling.ScheduledCallback? _sweep;
    private long _sweepAtMs = long.MaxValue;

    private long TimeoutMs => (long)runtime.Options.CallTimeout.TotalMilliseconds;

    /// <summary>Called under the activation's lock when a call starts waiting there.</summary>
    public void Watch(Activation activation)
    {
        if (activation.Watched) return;
        activation.Watched = true;
        using (Locked())
        {
            _watched.Add(activation);
            ArmLocked(runtime.Scheduler.NowMilliseconds + TimeoutMs);
        }
    }

    /// <summary>Called under the activation's lock when nothing waits there any more.</summary>
    public void Forget(Activation activation)
    {
        using (Locked()) _watched.Remove(activation);
    }

    private void ArmLocked(long atMs)
    {
        if (_sweep is not null && _sweepAtMs <= atMs) return;
        _sweep?.Cancel();
        _sweepAtMs = atMs;
        var delay = Math.Max(0, atMs - runtime.Scheduler.NowMilliseconds);
        _sweep = runtime.Scheduler.ScheduleAfterMilliseconds(delay, static s => ((CallWatchdog)s!).Sweep(), this);
    }

    private void Sweep()
    {
        Activation[] watched;
        using (Locked())
        {
            _sweep = null;
            _sweepAtMs = long.MaxValue;
            watched = [.. _watched];
        }
        var now = runtime.Scheduler.NowMilliseconds;
        var earliest = long.MaxValue;
        foreach (var activation in watched)
            earliest = Math.Min(earliest, activation.ExpireWaitingCalls(now, TimeoutMs, this));
        if (earliest != long.MaxValue)
            using (Locked()) ArmLocked(earliest + TimeoutMs);
    }

    public int WatchedCount
    {
        get { using (Locked()) return _watched.Count; }
    }
}
