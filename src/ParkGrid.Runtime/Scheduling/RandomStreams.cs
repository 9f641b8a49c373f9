using System.Buffers.Binary;

namespace ParkGrid.Runtime.Scheduling;

/// <summary>
/// Seeded random streams named by (run seed, grain, purpose). The same names always give the same stream,
/// in any process, so a simulation replays exactly and common random numbers can be shared across policies.
/// </summary>
public sealed class RandomStreams(ulong runSeed)
{
    public ulong RunSeed { get; } = runSeed;

    public Random Get(GrainId grainId, string purpose) => new Xoshiro256Random(StableHash.Combine(RunSeed, StableHash.Of(grainId), StableHash.Of(purpose)));

    public Random Get(string name) => new Xoshiro256Random(StableHash.Combine(RunSeed, StableHash.Of(name), 0));
}

/// <summary>64-bit hashes that are the same in every process (string.GetHashCode is randomised per process).</summary>
public static class StableHash
{
    public static ulong Of(string text) => Mix(Fnv(Basis, text));

    /// <summary>The hash of the grain id's text ("type/key"), without building that string (grains are activated often).</summary>
    public static ulong Of(GrainId grainId) => Mix(Fnv(Fnv(Fnv(Basis, grainId.Type), "/"), grainId.Key));

    private const ulong Basis = 14695981039346656037UL;

    // FNV-1a over UTF-16 code units (finalised with SplitMix64 for good bit spread); it runs over parts as over their concatenation.
    private static ulong Fnv(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    public static ulong Combine(ulong a, ulong b, ulong c) => Mix(Mix(Mix(a) ^ b) ^ c);

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>
/// xoshiro256** (Blackman and Vigna) as a System.Random, seeded from 64 bits through SplitMix64.
/// MathNet's generators take 32-bit seeds, too few for hundreds of thousands of named streams.
/// </summary>
public sealed class Xoshiro256Random : Random
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256Random(ulong seed)
    {
        _s0 = StableHash.Mix(seed);
        _s1 = StableHash.Mix(_s0);
        _s2 = StableHash.Mix(_s1);
        _s3 = StableHash.Mix(_s2);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
    protected override double Sample() => NextDouble();
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));
    public override int Next() => (int)(NextUInt64() >> 33);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextBounded((ulong)maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)((long)minValue + (long)NextBounded((ulong)((long)maxValue - minValue)));
    }

    public override long NextInt64() => (long)(NextUInt64() >> 1);

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (long)NextBounded((ulong)(maxValue - minValue));
    }

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, NextUInt64());
            buffer = buffer[8..];
        }
        if (buffer.Length > 0)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, NextUInt64());
            last[..buffer.Length].CopyTo(buffer);
        }
    }

    // Lemire's unbiased bounded integers.
    private ulong NextBounded(ulong bound)
    {
        if (bound == 0) return 0;
        var product = Math.BigMul(NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold) product = Math.BigMul(NextUInt64(), bound, out low);
        }
        return product;
    }
}
