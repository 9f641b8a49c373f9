using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace ParkGrid.Simulations;

/// <summary>
/// The <c>simulate</c> and <c>merge</c> commands for the <c>parkgrid</c> CLI (add each of <see cref="Create"/> to the root command).
/// Exit codes: 0 success, 2 a bad scenario (the message names file:line and the field), 1 anything else.
/// </summary>
public static class SimulationCommands
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadScenario = 2;

    public static IReadOnlyList<Command> Create() => [Simulate(), Merge()];

    private static Command Simulate()
    {
        var scenarioArg = new Argument<FileInfo>("scenario") { Description = "The scenario YAML file." };
        var outOption = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory (report.md, report.html, replications.csv, manifest.json).", Required = true };
        var replications = new Option<int?>("--replications", "-r") { Description = "Replications per policy (default: the scenario's)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed (default: the scenario's)." };
        var policies = new Option<string?>("--policies") { Description = "Comma-separated policy names to run (the baseline always runs)." };
        var shard = new Option<string?>("--shard") { Description = "Shard i/n: run replications r with r mod n = i (default: i from JOB_COMPLETION_INDEX when --shard-count is given)." };
        var shardCount = new Option<int?>("--shard-count") { Description = "Number of shards, with the index from the environment variable JOB_COMPLETION_INDEX (Kubernetes Indexed Job)." };
        var parallelism = new Option<int?>("--parallelism", "-j") { Description = "Replications run at once (default: processor count, fewer if the memory would not hold them)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar." };
        var command = new Command("simulate", "Run a what-if experiment: every policy of the scenario × N replications with common random numbers.")
        {
            scenarioArg, outOption, replications, seed, policies, shard, shardCount, parallelism, quiet,
        };
        command.SetAction(parse =>
        {
            try
            {
                var file = parse.GetValue(scenarioArg)!;
                var (index, count) = ParseShard(parse.GetValue(shard), parse.GetValue(shardCount));
                if (parse.GetValue(parallelism) is < 1 and var j) throw new ArgumentException($"--parallelism must be at least 1 (it is {j}).");
                return RunSimulate(file.FullName, parse.GetValue(outOption)!.FullName, new ExperimentOptions
                {
                    Replications = parse.GetValue(replications),
                    Seed = parse.GetValue(seed),
                    Policies = parse.GetValue(policies)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    ShardIndex = index,
                    ShardCount = count,
                }, parse.GetValue(parallelism), parse.GetValue(quiet), CommandLine());
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine(e.Message);
                return BadScenario;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Failure;
            }
        });
        return command;
    }

    private static Command Merge()
    {
        var dirs = new Argument<DirectoryInfo[]>("shards") { Description = "Output directories of the shards.", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory of the merged report.", Required = true };
        var command = new Command("merge", "Combine the output directories of simulation shards into one report.") { dirs, outOption };
        command.SetAction(parse =>
        {
            try
            {
                var (scenario, reps) = Reports.Merge(parse.GetValue(dirs)!.Select(d => d.FullName).ToArray(), parse.GetValue(outOption)!.FullName, CommandLine());
                Console.WriteLine($"merged {reps} replications of {scenario.Name} into {parse.GetValue(outOption)!.FullName}");
                return Ok;
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine(e.Message);
                return BadScenario;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or System.Text.Json.JsonException or FormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Failure;
            }
        });
        return command;
    }

    private static string Count(int n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");

    private static string CommandLine() => string.Join(" ", Environment.GetCommandLineArgs().Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

    /// <summary>"i/n", or the index from JOB_COMPLETION_INDEX with a shard count.</summary>
    public static (int Index, int Count) ParseShard(string? shard, int? shardCount, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (shard is { Length: > 0 })
        {
            var parts = shard.Split('/');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && i < n)
                return (i, n);
            throw new ArgumentException($"--shard '{shard}' must be i/n with 0 ≤ i < n, e.g. 0/4.");
        }

        if (shardCount is { } count)
        {
            if (count < 1) throw new ArgumentException("--shard-count must be at least 1.");
            var text = env("JOB_COMPLETION_INDEX");
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= count)
                throw new ArgumentException($"--shard-count {count} needs JOB_COMPLETION_INDEX set to 0..{count - 1} (it is '{text}').");
            return (index, count);
        }

        return (0, 1);
    }

    /// <summary>Enterprises from which the hint is printed: the province (50,000) ran 20–25% faster with the bigger budget,
    /// Xiang'an (537) no faster.</summary>
    public const int LargeScenarioEnterprises = 20_000;

    /// <summary>
    /// For a large scenario started with the runtime's default gen0 budget, a hint to raise it. The budget can only be set
    /// before the process starts (environment variables; the runtime reads no runtimeconfig setting for it), and with the
    /// default regions-based GC the gen0 budget is at most half the segment size, so both are needed. Measured in
    /// docs/simulation.md ("A bigger gen0 budget for large scenarios"): the national year's GC pauses halve.
    /// </summary>
    /// <param name="gen0MaxBudget">The budget the GC runs with (<see cref="Gen0MaxBudget"/>; 0 if not reported): what counts
    /// is what it took, not which variables are set.</param>
    /// <param name="env">The environment, to say what is missing when the budget stayed small (and to judge by when the
    /// runtime does not report its budget).</param>
    public static string? LargeHeapHint(Scenario scenario, long gen0MaxBudget, Func<string, string?> env)
    {
        bool Set(string name) => !string.IsNullOrEmpty(env("DOTNET_" + name)) || !string.IsNullOrEmpty(env("COMPlus_" + name));
        var known = gen0MaxBudget > 0;
        if (scenario.EnterpriseCount < LargeScenarioEnterprises || gen0MaxBudget >= LargeGen0Budget ||
            (!known && Set("GCgen0size") && Set("GCSegmentSize"))) return null;
        var budget = DescribeGen0Budget(gen0MaxBudget);
        // Set alone, the gen0 size stays capped at half the default segment (about 128 MiB): it changes nothing.
        if (Set("GCgen0size") && !Set("GCSegmentSize"))
            return $"hint: DOTNET_GCgen0size is set but DOTNET_GCSegmentSize is not, so the gen0 budget stays at most half the default segment (gen0 budget {budget}). " +
                   $"Set DOTNET_GCSegmentSize to twice DOTNET_GCgen0size, e.g. {GcBudgetEnvironment}; see docs/simulation.md, \"Large scenarios\".";
        return string.Create(CultureInfo.InvariantCulture,
            $"hint: {scenario.Name} has {scenario.EnterpriseCount:N0} enterprises; its replications spend much of their time collecting garbage (gen0 budget {budget}). " +
            $"Starting with {GcBudgetEnvironment} (a 1 GiB gen0 budget, for up to 1 GiB more memory) halves that; see docs/simulation.md, \"Large scenarios\".");
    }

    /// <summary>From this gen0 budget on, a large scenario gets no hint: the national year was measured with 1 GiB.</summary>
    public const long LargeGen0Budget = 512L * 1024 * 1024;

    /// <summary>The largest gen0 budget the garbage collector of this process runs with, in bytes (it reports 128 MiB when
    /// DOTNET_GCgen0size asks for 1 GiB without a bigger segment, so this is the figure to trust), or 0 if the runtime does
    /// not report it.</summary>
    public static long Gen0MaxBudget() =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;

    /// <summary>A gen0 budget as <see cref="Gen0MaxBudget"/> gives it, for people: "1,024 MiB", or that the runtime did not
    /// report it (0).</summary>
    public static string DescribeGen0Budget(long gen0MaxBudget) => gen0MaxBudget > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{gen0MaxBudget / 1048576.0:N0} MiB")
        : "not reported by the runtime";

    /// <summary>The environment variables that give the runtime a 1 GiB gen0 budget (the segment size must be twice that).</summary>
    public const string GcBudgetEnvironment = "DOTNET_GCgen0size=0x40000000 DOTNET_GCSegmentSize=0x80000000";

    /// <summary>Memory a replication holds at its peak, per enterprise of the scenario: the national year (500,000
    /// enterprises) peaked at 4.3 GiB with the default gen0 budget, the province (50,000) at 0.6 GiB (docs/simulation.md).</summary>
    public const long ReplicationBytesPerEnterprise = 9 * 1024;

    /// <summary>What the process holds whatever the scenario: the runtime, the code, the scenario (Xiang'an peaks at about 0.1 GiB).</summary>
    public const long ProcessBaseBytes = 128L * 1024 * 1024;

    /// <summary>
    /// How many replications to run at once, and what to say about it. Without <paramref name="requested"/>, one per
    /// processor, but no more than the memory holds by the estimate (the process's base, the gen0 budget, and each
    /// replication's peak), and never fewer than one. With it, what was asked, and a warning when the estimate exceeds the
    /// memory. The estimate is a measured rule of thumb, not a guarantee; the outputs do not depend on the parallelism.
    /// </summary>
    public static (int Threads, string? Message) ReplicationsAtOnce(Scenario scenario, int? requested, int processors, long availableBytes, long gen0Budget)
    {
        var perReplication = (long)scenario.EnterpriseCount * ReplicationBytesPerEnterprise;
        var fixedBytes = ProcessBaseBytes + Math.Max(0, gen0Budget);
        static string GiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB");
        string Need(int threads) => $"{Count(threads, "replication", "replications")} of {scenario.Name} at once need about {GiB(fixedBytes + threads * perReplication)}";
        if (availableBytes <= 0) return (requested ?? processors, null); // the runtime did not say: nothing to judge by
        if (requested is { } asked)
            return (asked, fixedBytes + asked * perReplication > availableBytes
                ? $"warning: {Need(asked)}, more than the {GiB(availableBytes)} this process may use; a smaller -j avoids running out of memory."
                : null);
        if (fixedBytes + perReplication > availableBytes)
            return (1, $"warning: {Need(1)}, more than the {GiB(availableBytes)} this process may use; running one at a time.");
        var fits = (int)Math.Clamp((availableBytes - fixedBytes) / Math.Max(1, perReplication), 1, processors);
        return fits < processors
            ? (fits, $"note: running {Count(fits, "replication", "replications")} at once, not {processors} (one per processor): {Need(processors)}, and this process may use {GiB(availableBytes)}. -j sets it.")
            : (processors, null);
    }

    /// <summary>Runs the experiment and writes its outputs; returns the exit code.</summary>
    /// <param name="requestedParallelism">-j, if given; otherwise one replication per processor, as the memory allows.</param>
    public static int RunSimulate(string scenarioPath, string outDir, ExperimentOptions options, int? requestedParallelism, bool quiet, string commandLine)
    {
        var yaml = File.ReadAllText(scenarioPath);
        var scenario = Experiment.Apply(ScenarioLoader.LoadFile(scenarioPath), options);
        var reps = Experiment.ReplicationsOf(scenario, options.ShardIndex, options.ShardCount);
        // The output directory is made before the run, so that a path that cannot take the report fails now, not after hours.
        if (File.Exists(outDir)) throw new IOException($"--out {outDir} is a file; give a directory for the report.");
        Directory.CreateDirectory(outDir);
        var total = reps.Count * scenario.Policies.Count;
        var gen0Budget = Gen0MaxBudget(); // asked once: the runtime builds its whole configuration table for it
        // No more threads than runs: more would idle, and the memory estimate would count them.
        var (threads, memoryMessage) = ReplicationsAtOnce(scenario, requestedParallelism is { } j ? Math.Max(1, Math.Min(j, total)) : null,
            Math.Max(1, Math.Min(Environment.ProcessorCount, total)), GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, gen0Budget);
        options = options with { Parallelism = threads };
        long days = 0;
        var done = 0;
        var opts = options with
        {
            OnSimulatedDay = () => Interlocked.Increment(ref days),
            OnReplicationDone = _ => Interlocked.Increment(ref done),
        };
        if (!quiet && LargeHeapHint(scenario, gen0Budget, Environment.GetEnvironmentVariable) is { } hint) Console.Error.WriteLine(hint);
        if (memoryMessage is not null) Console.Error.WriteLine(memoryMessage); // also when quiet: it says why a run is slower or may fail
        var watch = Stopwatch.StartNew();
        double Rate() => Interlocked.Read(ref days) / Math.Max(0.001, watch.Elapsed.TotalSeconds);
        IReadOnlyList<ReplicationResult> Run() => Experiment.Run(scenario, opts);
        IReadOnlyList<ReplicationResult> results;
        if (quiet) results = Run();
        else if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Logs (a Kubernetes Job, a redirected console): a line now and then instead of a bar.
            Console.Error.WriteLine($"simulating {scenario.Name}: {Count(scenario.Policies.Count, "policy", "policies")} × {Count(reps.Count, "replication", "replications")} on {Count(options.Parallelism, "thread", "threads")} …");
            var expected = Math.Max(1L, (long)total * scenario.HorizonDays);
            var lastLine = TimeSpan.Zero;
            results = RunOnWorker(Run, () =>
            {
                if (watch.Elapsed - lastLine < ProgressLineInterval) return;
                lastLine = watch.Elapsed;
                var d = Interlocked.Read(ref days);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{scenario.Name}: {Volatile.Read(ref done)}/{total} replications, {d:N0} of {expected:N0} simulated days ({100.0 * d / expected:0}%), {Rate():0} days/s, {watch.Elapsed.TotalSeconds:0} s"));
            });
        }
        else
        {
            IReadOnlyList<ReplicationResult>? r = null;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{scenario.Name}", maxValue: total);
                    r = RunOnWorker(Run, () =>
                    {
                        task.Value = Volatile.Read(ref done);
                        task.Description = $"{scenario.Name}: {Volatile.Read(ref done)}/{total} replications, {Rate():0} simulated days/s";
                    });
                });
            results = r!;
        }

        var shardText = $"{options.ShardIndex}/{options.ShardCount}";
        var repeat = $"parkgrid simulate {scenarioPath} --out {outDir} --seed {scenario.Seed} --replications {scenario.Replications} --policies {string.Join(',', scenario.Policies.Select(p => p.Name))}" +
                     (options.ShardCount > 1 ? $" --shard {shardText}" : "");
        Reports.Write(outDir, scenario, yaml, results, new Manifest { ScenarioFile = scenarioPath, CommandLine = commandLine, Repeat = repeat, Shards = [shardText] });
        Console.Error.WriteLine($"{Count(total, "replication", "replications")} in {watch.Elapsed.TotalSeconds:0.0} s ({Rate():0} simulated days/s); report in {Path.Combine(outDir, "report.html")}");
        return Ok;
    }

    /// <summary>How often a run whose console is not interactive prints a progress line.</summary>
    internal static TimeSpan ProgressLineInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs the experiment on a thread of its own (with room for deep grain call chains), calling
    /// <paramref name="tick"/> every 250 ms on this thread and once at the end; a failure is rethrown here.</summary>
    private static IReadOnlyList<ReplicationResult> RunOnWorker(Func<IReadOnlyList<ReplicationResult>> run, Action tick)
    {
        IReadOnlyList<ReplicationResult>? results = null;
        Exception? error = null;
        var worker = new Thread(() =>
        {
            try { results = run(); }
            catch (Exception e) { error = e; }
        }, 16 * 1024 * 1024);
        worker.Start();
        while (!worker.Join(250)) tick();
        tick();
        if (error is not null) throw error as InvalidOperationException ?? new InvalidOperationException(error.Message, error);
        return results!;
    }
}
