using System.Diagnostics;
using System.Numerics;

namespace ParkGrid.Runtime.Metrics;

/// <summary>
/// Call counts and latencies of one grain method, striped per processor so that two cores recording at once
/// do not fight over one cache line. Buckets are log-linear (4 per power of two, ≤ 19% relative error):
/// the count of calls is the sum of the buckets, so it is not stored twice.
/// </summary>
internal sealed class LatencyHistogram
{
    internal const int BucketCount = 4 * 48; // up to 2^48 Stopwatch ticks, beyond any call
    private const int StripeStride = BucketCount + 24; // + padding, and slots for sum, failures and untimed calls
    private const int SumSlot = BucketCount;
    private const int FailureSlot = BucketCount + 8;
    private const int UntimedSlot = BucketCount + 16;
    private static readonly int s_stripeMask = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Environment.ProcessorCount)) - 1;
    private readonly long[] _slots = new long[(s_stripeMask + 1) * StripeStride];

    public void Record(long elapsedTicks, bool failed)
    {
        var stripe = (Thread.GetCurrentProcessorId() & s_stripeMask) * StripeStride;
        Interlocked.Increment(ref _slots[stripe + BucketOf(elapsedTicks)]);
        Interlocked.Add(ref _slots[stripe + SumSlot], elapsedTicks);
        if (failed) Interlocked.Increment(ref _slots[stripe + FailureSlot]);
    }

    /// <summary>Counts a call that was not timed (latency profiling off).</summary>
    public void RecordUntimed(bool failed)
    {
        var stripe = (Thread.GetCurrentProcessorId() & s_stripeMask) * StripeStride;
        Interlocked.Increment(ref _slots[stripe + UntimedSlot]);
        if (failed) Interlocked.Increment(ref _slots[stripe + FailureSlot]);
    }

    internal static int BucketOf(long ticks)
    {
        if (ticks < 4) return (int)Math.Max(0, ticks);
        var log = 63 - BitOperations.LeadingZeroCount((ulong)ticks);
        var sub = (int)(ticks >> (log - 2)) & 3;
        return Math.Min(BucketCount - 1, log * 4 + sub);
    }

    /// <summary>The middle of a bucket's value range, in ticks.</summary>
    internal static double BucketMidpoint(int bucket)
    {
        if (bucket < 4) return bucket;
        var log = bucket / 4;
        var sub = bucket % 4;
        var low = (4L + sub) << (log - 2);
        var high = (4L + sub + 1) << (log - 2);
        return (low + high) / 2.0;
    }

    public HistogramSnapshot Snapshot()
    {
        var buckets = new long[BucketCount];
        long sum = 0, failures = 0, untimed = 0;
        for (var stripe = 0; stripe <= s_stripeMask; stripe++)
        {
            var offset = stripe * StripeStride;
            for (var b = 0; b < BucketCount; b++) buckets[b] += Volatile.Read(ref _slots[offset + b]);
            sum += Volatile.Read(ref _slots[offset + SumSlot]);
            failures += Volatile.Read(ref _slots[offset + FailureSlot]);
            untimed += Volatile.Read(ref _slots[offset + UntimedSlot]);
        }
        return new HistogramSnapshot(buckets, sum, failures, untimed);
    }
}

/// <summary>A point-in-time copy of a histogram; percentiles are bucket midpoints, over the timed calls.</summary>
internal sealed class HistogramSnapshot(long[] buckets, long sumTicks, long failures, long untimed)
{
    private readonly long _timed = buckets.Sum();

    public long Count => _timed + untimed;
    public long Failures { get; } = failures;

    public TimeSpan Mean => _timed == 0 ? TimeSpan.Zero : ToTimeSpan(sumTicks / (double)_timed);

    public TimeSpan Percentile(double p)
    {
        if (_timed == 0) return TimeSpan.Zero;
        var rank = (long)Math.Ceiling(p * _timed);
        long seen = 0;
        for (var b = 0; b < buckets.Length; b++)
        {
            seen += buckets[b];
            if (seen >= rank && buckets[b] > 0) return ToTimeSpan(LatencyHistogram.BucketMidpoint(b));
        }
        return ToTimeSpan(LatencyHistogram.BucketMidpoint(buckets.Length - 1));
    }

    private static TimeSpan ToTimeSpan(double stopwatchTicks) => TimeSpan.FromSeconds(stopwatchTicks / Stopwatch.Frequency);
}
