using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ParkGrid.Domain.Kpis;

/// <summary>
/// An exact histogram of integer samples (working days, scores): value → count. Histograms of parks merge into the
/// district's exactly, so percentiles of a roll-up are the percentiles of the union of the samples.
/// Percentiles use the nearest-rank definition: the p-th percentile of n samples is the smallest sample x such that
/// at least ⌈p·n⌉ samples are ≤ x (p50 of 1,2,3,4 is 2; p90 of 1..10 is 9).
/// </summary>
public sealed record Histogram
{
    public static Histogram Empty { get; } = new();

    [JsonConstructor]
    public Histogram(ImmutableSortedDictionary<int, long>? counts = null)
    {
        Counts = counts ?? ImmutableSortedDictionary<int, long>.Empty;
        if (Counts.Values.Any(c => c < 0)) throw new ArgumentException("Histogram counts cannot be negative.", nameof(counts));
    }

    /// <summary>Sample value → number of samples with that value.</summary>
    // For counts known to be non-negative (built from valid histograms): a park's tally adds to its histograms on every case
    // report, and checking every count each time made each update cost as much as the histogram is long.
    private Histogram(ImmutableSortedDictionary<int, long> counts, bool valid) => Counts = counts;

    public ImmutableSortedDictionary<int, long> Counts { get; }

    [JsonIgnore] public long Count => Counts.Values.Sum();

    [JsonIgnore] public long Sum => Counts.Sum(kv => kv.Key * kv.Value);

    [JsonIgnore] public double? Mean => Count == 0 ? null : (double)Sum / Count;

    public static Histogram Of(IEnumerable<int> samples) => samples.Aggregate(Empty, (h, s) => h.Add(s));

    // One-sample histograms of small values (a case's score, its days to resolve), shared: every case contribution holds
    // some, and a case keeps its contribution for days, so each new one was an object the garbage collector had to copy.
    private static readonly Histogram?[] s_singles = new Histogram?[1024];

    public Histogram Add(int value, long times = 1)
    {
        if (times == 0) return this;
        if (times == 1 && Counts.IsEmpty && (uint)value < (uint)s_singles.Length)
            return s_singles[value] ??= new Histogram(ImmutableSortedDictionary<int, long>.Empty.Add(value, 1), valid: true);
        var count = (Counts.TryGetValue(value, out var c) ? c : 0) + times;
        var counts = Counts.SetItem(value, count);
        return count < 0 ? new(counts) : new(counts, valid: true); // the checking constructor throws for a negative count
    }

    public Histogram Merge(Histogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Counts.Count == 0) return this;
        if (other.Counts.Count == 1)
            foreach (var (value, count) in other.Counts)
                return Add(value, count);
        var counts = Counts.ToBuilder();
        foreach (var (value, count) in other.Counts) counts[value] = (counts.TryGetValue(value, out var c) ? c : 0) + count;
        return new Histogram(counts.ToImmutable(), valid: true);
    }

    /// <summary>The histogram without <paramref name="other"/>'s samples, which must all be in this one (values whose
    /// count drops to 0 disappear, so <c>a.Merge(b).Subtract(b)</c> equals <c>a</c>).</summary>
    /// <exception cref="ArgumentException">A sample of <paramref name="other"/> is not in this histogram.</exception>
    public Histogram Subtract(Histogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Counts.Count == 0) return this;
        var counts = Counts.ToBuilder();
        foreach (var (value, count) in other.Counts)
        {
            var left = (counts.TryGetValue(value, out var c) ? c : 0) - count;
            if (left < 0) throw new ArgumentException($"Cannot subtract {count} sample(s) of {value}: the histogram holds {c}.", nameof(other));
            if (left == 0) counts.Remove(value);
            else counts[value] = left;
        }

        return new Histogram(counts.ToImmutable(), valid: true);
    }

    /// <summary>The nearest-rank percentile for p in (0, 1]; null when empty.</summary>
    public int? Percentile(double p)
    {
        if (p is <= 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in (0, 1].");
        var n = Count;
        if (n == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(p * n - 1e-9));
        long seen = 0;
        foreach (var (value, count) in Counts)
        {
            seen += count;
            if (seen >= rank) return value;
        }

        return Counts.Keys.Last();
    }

    /// <summary>The number of samples ≥ <paramref name="threshold"/>.</summary>
    public long CountAtLeast(int threshold) => Counts.Where(kv => kv.Key >= threshold).Sum(kv => kv.Value);

    public bool Equals(Histogram? other) =>
        other is not null && Counts.Count == other.Counts.Count && Counts.All(kv => other.Counts.TryGetValue(kv.Key, out var c) && c == kv.Value);

    public override int GetHashCode() => Counts.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value));

    public override string ToString() => "{" + string.Join(", ", Counts.Select(kv => $"{kv.Key}×{kv.Value}")) + "}";
}
