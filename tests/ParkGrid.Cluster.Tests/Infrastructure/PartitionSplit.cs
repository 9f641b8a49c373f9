using System.Diagnostics;

namespace ParkGrid.Cluster.Tests.Infrastructure;

/// <summary>Waiting for a cluster to settle, whether its silos are read in this process or over HTTP.</summary>
public static class PartitionSplit
{
    /// <summary>
    /// Polls <paramref name="readServing"/> (the partitions each silo serves) until every one of the
    /// <paramref name="partitions"/> is served exactly once between them and each silo serves some.
    /// </summary>
    public static async Task WaitAsync(Func<Task<IReadOnlyList<int>[]>> readServing, TimeSpan limit, string silos, int partitions = 64)
    {
        var watch = Stopwatch.StartNew();
        var last = "";
        while (watch.Elapsed < limit)
        {
            var serving = await readServing();
            var all = serving.SelectMany(s => s).ToList();
            if (serving.All(s => s.Count > 0) && all.Count == partitions && all.Distinct().Count() == partitions) return;
            last = string.Join(" | ", serving.Select(s => s.Count));
            await Task.Delay(25);
        }
        throw new TimeoutException($"the partitions did not settle among {silos} within {limit.TotalSeconds} s; served: {last}");
    }
}
