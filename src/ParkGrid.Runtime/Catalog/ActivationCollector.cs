namespace ParkGrid.Runtime.Catalog;

/// <summary>
/// Deactivates activations idle for longer than the collection age. Each activation sits in a queue ordered
/// by when it could first expire; a sweep looks only at those due and re-queues the ones that were used
/// meanwhile. Calls never touch this queue (they only stamp the activation's last-activity time).
/// </summary>
internal sealed class ActivationCollector(GrainRuntime runtime)
{
    private readonly object _lock = new();
    private readonly PriorityQueue<Activation, long> _queue = new();
    private Scheduling.ScheduledCallback? _sweep;
    private long _sweepAtMs = long.MaxValue;
    private List<Activation>? _spareDue; // the list of the last sweep, reused: sweeps run every quantum

    private long AgeMs => (long)runtime.Options.CollectionAge.TotalMilliseconds;
    private long QuantumMs => Math.Max(1, (long)runtime.Options.CollectionQuantum.TotalMilliseconds);

    public void Track(Activation activation) => Track(activation, activation.LastActivityMs + AgeMs);

    private void Track(Activation activation, long candidateMs)
    {
        lock (_lock)
        {
            if (activation.InCollector) return;
            activation.InCollector = true;
            _queue.Enqueue(activation, candidateMs);
            // Round up to the quantum so that many expiries share one sweep.
            ArmLocked((candidateMs + QuantumMs - 1) / QuantumMs * QuantumMs);
        }
    }

    private void ArmLocked(long atMs)
    {
        if (_sweep is not null && _sweepAtMs <= atMs) return;
        _sweep?.Cancel();
        _sweepAtMs = atMs;
        _sweep = runtime.Scheduler.ScheduleAfterMilliseconds(Math.Max(0, atMs - runtime.Scheduler.NowMilliseconds), static s => ((ActivationCollector)s!).Sweep(), this);
    }

    /// <summary>Collects every activation idle past the age now; returns how many were asked to deactivate.</summary>
    public int Sweep()
    {
        var now = runtime.Scheduler.NowMilliseconds;
        var due = Interlocked.Exchange(ref _spareDue, null) ?? [];
        lock (_lock)
        {
            _sweep = null;
            _sweepAtMs = long.MaxValue;
            while (_queue.TryPeek(out var a, out var at) && at <= now)
            {
                _queue.Dequeue();
                a.InCollector = false;
                due.Add(a);
            }
        }
        var collected = 0;
        foreach (var activation in due)
        {
            var next = activation.TryCollect(now, AgeMs);
            if (next is null) collected++;
            else Track(activation, next.Value);
        }
        lock (_lock)
            if (_queue.TryPeek(out _, out var nextAt))
                ArmLocked((nextAt + QuantumMs - 1) / QuantumMs * QuantumMs);
        due.Clear();
        _spareDue = due;
        return collected;
    }
}
