using ParkGrid.Runtime;

namespace ParkGrid.Clustering;

/// <summary>
/// Which partition a grain belongs to. A key "group:rest" is placed with its group, a plain key is its own group,
/// and the grain type does not count: park "xiangan-digital", enterprise "xiangan-digital:017", its case
/// "xiangan-digital:017-c3" and contact point "xiangan-digital:cp02" share a partition, so a park's calls stay on
/// one silo. The hash is FNV-1a over the group's characters: stable across processes and versions, unlike
/// string.GetHashCode.
/// </summary>
public static class Placement
{
    public const char GroupSeparator = ':';

    public static string GroupOf(GrainId grainId)
    {
        var separator = grainId.Key.IndexOf(GroupSeparator);
        return separator > 0 ? grainId.Key[..separator] : grainId.Key;
    }

    public static int PartitionOf(GrainId grainId, int partitions)
    {
        if (partitions <= 0) throw new ArgumentOutOfRangeException(nameof(partitions), "A cluster has at least one partition.");
        var key = grainId.Key.AsSpan();
        var separator = key.IndexOf(GroupSeparator);
        if (separator > 0) key = key[..separator];
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (int)(hash % (uint)partitions);
    }

    /// <summary>
    /// The silo a partition should live on among the live ones: rendezvous (highest random weight) hashing, so that
    /// when a silo joins or leaves only the partitions it wins or held move, and every silo computes the same answer.
    /// </summary>
    public static string? PreferredOwner(int partition, IEnumerable<string> liveSilos)
    {
        string? best = null;
        var bestWeight = 0UL;
        foreach (var silo in liveSilos)
        {
            var weight = Mix(silo, partition);
            if (best is null || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(silo, best) > 0))
            {
                best = silo;
                bestWeight = weight;
            }
        }
        return best;
    }

    private static ulong Mix(string silo, int partition)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in silo)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        // splitmix64 finaliser over (silo hash, partition): FNV alone spreads consecutive partitions poorly.
        var z = hash ^ ((ulong)partition * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
