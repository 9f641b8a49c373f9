namespace ParkGrid.Simulations;

/// <summary>Which part of an experiment to run.</summary>
public sealed record ExperimentOptions
{
    /// <summary>Overrides the scenario's number of replications.</summary>
    public int? Replications { get; init; }

    /// <summary>Overrides the scenario's seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Run only these policies (by name; the baseline is always run, it is what differences refer to).</summary>
    public IReadOnlyList<string>? Policies { get; init; }

    /// <summary>Shard i of n: replications r with r mod n = i.</summary>
    public int ShardIndex { get; init; }
    public int ShardCount { get; init; } = 1;

    /// <summary>Replications running at once, each on its own thread (default: the processor count).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Called (from worker threads) when a replication finished, and after each simulated day.</summary>
    public Action<ReplicationResult>? OnReplicationDone { get; init; }
    public Action? OnSimulatedDay { get; init; }
}

/// <summary>
/// Runs every policy × replication with common random numbers: the runtime seed of replication r is derived from
/// (scenario seed, r) only, so the problem arrivals (and inspection plans) of replication r are the same under every policy.
/// Replications run in parallel, each on its own thread on its own single-threaded deterministic host; results are ordered
/// by (policy, replication), so the output does not depend on the parallelism.
/// </summary>
public static class Experiment
{
    public static Scenario Apply(Scenario scenario, ExperimentOptions options)
    {
        var s = scenario;
        if (options.Replications is { } r)
        {
            // The same range a scenario file may state; zero would write an empty report and call it a success.
            if (r is < 1 or > 100_000) throw new ArgumentException($"--replications must be between 1 and 100000 (it is {r}).");
            s = s with { Replications = r };
        }
        if (options.Seed is { } seed) s = s with { Seed = seed };
        if (options.Policies is { Count: > 0 } names)
        {
            var unknown = names.Where(n => s.Policies.All(p => p.Name != n)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"Unknown policies: {string.Join(", ", unknown)}. The scenario has: {string.Join(", ", s.Policies.Select(p => p.Name))}.");
            s = s with { Policies = s.Policies.Where((p, i) => i == 0 || names.Contains(p.Name)).ToArray() };
        }

        return s;
    }

    /// <summary>The replications a shard runs.</summary>
    public static IReadOnlyList<int> ReplicationsOf(Scenario scenario, int shardIndex, int shardCount)
    {
        if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount)
            throw new ArgumentException($"Shard {shardIndex}/{shardCount} is not valid: the index must be in 0..{shardCount - 1}.");
        return Enumerable.Range(0, scenario.Replications).Where(r => r % shardCount == shardIndex).ToArray();
    }

    /// <summary>Runs the (already <see cref="Apply"/>-ed) scenario's shard and returns the results ordered by policy, replication.</summary>
    public static IReadOnlyList<ReplicationResult> Run(Scenario scenario, ExperimentOptions options)
    {
        var jobs = new List<(int Policy, int Replication)>();
        foreach (var r in ReplicationsOf(scenario, options.ShardIndex, options.ShardCount))
            for (var p = 0; p < scenario.Policies.Count; p++)
                jobs.Add((p, r));

        var results = new ReplicationResult?[jobs.Count];
        var next = -1;
        Exception? failure = null;
        var runOptions = new RunOptions { OnDay = options.OnSimulatedDay is { } onDay ? _ => onDay() : null };

        void Worker()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= jobs.Count || Volatile.Read(ref failure) is not null) return;
                try
                {
                    var result = ReplicationRunner.Run(scenario, jobs[i].Policy, jobs[i].Replication, runOptions);
                    results[i] = result;
                    options.OnReplicationDone?.Invoke(result);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, new InvalidOperationException(
                        $"Replication {jobs[i].Replication} of policy {scenario.Policies[jobs[i].Policy].Name} failed: {e.Message}", e), null);
                    return;
                }
            }
        }

        var threads = Enumerable.Range(0, Math.Max(1, Math.Min(options.Parallelism, jobs.Count)))
            .Select(i => new Thread(Worker, 16 * 1024 * 1024) { Name = $"replication-{i}", IsBackground = true })
            .ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (failure is not null) throw failure;
        return results.Select(r => r!).OrderBy(r => r.PolicyIndex).ThenBy(r => r.Replication).ToArray();
    }
}
