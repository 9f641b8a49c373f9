using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ParkGrid.Runtime.Metrics;

/// <summary>
/// What the runtime counts: calls, failures and latency per grain type and method, activations per grain
/// type, reminders due and fired, call timeouts. Published through System.Diagnostics.Metrics (meter
/// "ParkGrid.Runtime") and as snapshots for the dashboard.
/// </summary>
public sealed class RuntimeStatistics : IDisposable
{
    public const string MeterName = "ParkGrid.Runtime";

    private LatencyHistogram?[] _methods = new LatencyHistogram?[64];
    private readonly ConcurrentDictionary<int, (string GrainType, GrainMethod Method)> _methodNames = new();
    private readonly ConcurrentDictionary<string, ActivationCount> _activations = new();
    private readonly object _growLock = new();
    private long _remindersFired;
    private long _callTimeouts;
    private readonly Meter _meter;

    public RuntimeStatistics()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("parkgrid.grain.calls", () => MethodMeasurements(s => s.Count), description: "Grain calls completed");
        _meter.CreateObservableCounter("parkgrid.grain.failures", () => MethodMeasurements(s => s.Failures), description: "Grain calls that threw");
        _meter.CreateObservableGauge("parkgrid.grain.latency.p99", () => MethodMeasurements(s => s.Percentile(0.99).TotalMilliseconds), unit: "ms");
        _meter.CreateObservableGauge("parkgrid.grain.activations", () =>
            _activations.Select(kv => new Measurement<long>(Volatile.Read(ref kv.Value.Value), new KeyValuePair<string, object?>("grain_type", kv.Key))));
        _meter.CreateObservableCounter("parkgrid.reminders.fired", () => Volatile.Read(ref _remindersFired));
        _meter.CreateObservableGauge("parkgrid.reminders.due", () => (long)RemindersDue);
        _meter.CreateObservableCounter("parkgrid.grain.call_timeouts", () => Volatile.Read(ref _callTimeouts));
    }

    /// <summary>How many reminders are scheduled and not yet fired (set by the reminder service).</summary>
    internal Func<int>? RemindersDueSource { get; set; }

    public int RemindersDue => RemindersDueSource?.Invoke() ?? 0;

    private volatile bool _latencyProfiling = true;

    /// <summary>
    /// Whether calls are timed (two clock reads and a histogram update each). Calls are counted either way;
    /// a host may switch timing off while nobody watches (the silo does after a quiet minute).
    /// </summary>
    public bool LatencyProfiling
    {
        get => _latencyProfiling;
        set => _latencyProfiling = value;
    }

    internal LatencyHistogram ForMethod(string grainType, GrainMethod method)
    {
        var index = method.Index;
        var methods = _methods;
        if ((uint)index < (uint)methods.Length && methods[index] is { } existing) return existing;
        lock (_growLock)
        {
            if (index >= _methods.Length) Array.Resize(ref _methods, Math.Max(index + 1, _methods.Length * 2));
            _methodNames.TryAdd(index, (grainType, method));
            return _methods[index] ??= new LatencyHistogram();
        }
    }

    internal void ActivationAdded(string grainType) => Interlocked.Increment(ref _activations.GetOrAdd(grainType, static _ => new ActivationCount()).Value);
    internal void ActivationRemoved(string grainType) => Interlocked.Decrement(ref _activations.GetOrAdd(grainType, static _ => new ActivationCount()).Value);
    internal void ReminderFired() => Interlocked.Increment(ref _remindersFired);
    internal void CallTimedOut() => Interlocked.Increment(ref _callTimeouts);

    public long RemindersFired => Volatile.Read(ref _remindersFired);
    public long CallTimeouts => Volatile.Read(ref _callTimeouts);

    public IReadOnlyDictionary<string, long> ActivationsByType =>
        _activations.Where(kv => Volatile.Read(ref kv.Value.Value) > 0).ToDictionary(kv => kv.Key, kv => Volatile.Read(ref kv.Value.Value));

    /// <summary>Per grain type and method: calls, failures, mean, p50 and p99 latency.</summary>
    public IReadOnlyList<MethodStatistics> Methods()
    {
        var result = new List<MethodStatistics>();
        foreach (var (index, name) in _methodNames.OrderBy(kv => kv.Key))
        {
            var histogram = _methods[index];
            if (histogram is null) continue;
            var s = histogram.Snapshot();
            result.Add(new MethodStatistics(name.GrainType, name.Method.Name, s.Count, s.Failures, s.Mean, s.Percentile(0.5), s.Percentile(0.99)));
        }
        return result;
    }

    private IEnumerable<Measurement<T>> MethodMeasurements<T>(Func<HistogramSnapshot, T> select) where T : struct
    {
        foreach (var (index, name) in _methodNames)
        {
            var histogram = _methods[index];
            if (histogram is null) continue;
            yield return new Measurement<T>(select(histogram.Snapshot()),
                new KeyValuePair<string, object?>("grain_type", name.GrainType), new KeyValuePair<string, object?>("method", name.Method.Name));
        }
    }

    public void Dispose() => _meter.Dispose();

    private sealed class ActivationCount
    {
        public long Value;
    }
}

public sealed record MethodStatistics(string GrainType, string Method, long Calls, long Failures, TimeSpan Mean, TimeSpan P50, TimeSpan P99);
