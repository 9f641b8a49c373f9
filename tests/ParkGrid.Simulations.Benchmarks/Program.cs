using System.Diagnostics;
using System.Globalization;
using ParkGrid.Simulations;

// Simulation benchmarks (Stopwatch; run in Release):
//   dotnet run -c Release --project tests/ParkGrid.Simulations.Benchmarks -- [events] [xiangan] [province] [national] [experiment] [--budget SECONDS] [--replications N] [--out DIR] [--scenario FILE] [--allocations] [--calls]
// With no part named, all run. Each part prints wall time, simulated grain events (runtime turns) per second and memory;
// --allocations adds the collections by generation (and what triggered them) and the allocations by type. DOTNET_gcServer=1
// runs it on server GC, and DOTNET_GCgen0size=0x40000000 DOTNET_GCSegmentSize=0x80000000 with a 1 GiB gen0 budget (docs/simulation.md).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] is "simulate" or "merge")
{
    // The simulation commands exactly as `parkgrid` exposes them, for runs measured without the CLI.
    var root = new System.CommandLine.RootCommand("ParkGrid simulation commands");
    foreach (var c in SimulationCommands.Create()) root.Subcommands.Add(c);
    return root.Parse(args).Invoke();
}

string[] valued = ["--budget", "--out", "--replications", "--scenario"]; // options that take the next argument
var parts = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !valued.Contains(args[i - 1]))).ToHashSet(StringComparer.OrdinalIgnoreCase);
var budget = 300.0;
string? outDir = null;
var replications = 4;
string? scenarioFile = null; // --scenario FILE: one replication of any scenario file, measured like the named parts
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--budget") budget = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--out") outDir = args[i + 1];
    if (args[i] == "--replications") replications = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--scenario") scenarioFile = args[i + 1];
}
if (scenarioFile is not null && parts.Count == 0) parts.Add("scenario");

// --allocations: time the collections by generation and sample allocations by type during the single-replication parts.
using var sampler = args.Contains("--allocations") ? new AllocationSampler() : null;
// --calls: the turns per grain type and the calls per grain method for every single-replication part (Xiang'an always prints them).
var calls = args.Contains("--calls");

bool Want(string p) => parts.Count == 0 || parts.Contains(p);
var dir = FindScenarios();
var gen0Budget = SimulationCommands.Gen0MaxBudget();
Console.WriteLine($"ParkGrid simulation benchmarks, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, " +
                  $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC (DOTNET_gcServer=1 selects server GC), " +
                  $"gen0 budget {(gen0Budget > 0 ? "at most " : "")}{SimulationCommands.DescribeGen0Budget(gen0Budget)}" +
                  (gen0Budget >= SimulationCommands.LargeGen0Budget ? "" : $" ({SimulationCommands.GcBudgetEnvironment} gives 1 GiB)"));

if (Want("events") || Want("xiangan"))
{
    var s = ScenarioLoader.LoadFile(Path.Combine(dir, "xiangan.yaml"));
    ReplicationRunner.Run(s, 0, 98); // JIT and tiering warm-up: two full years first
    ReplicationRunner.Run(s, 0, 99);
    Single("Xiang'an (537 enterprises, 2 parks), 1 year, 1 replication, baseline (after 2 warm-up years)", s, budget, sampler, breakdown: true);
}

if (Want("province"))
    Single("Province (100 parks, 50,000 enterprises), 1 year, 1 replication, baseline", ScenarioLoader.LoadFile(Path.Combine(dir, "province.yaml")), budget, sampler, calls);

if (Want("national"))
{
    var national = ScenarioLoader.LoadFile(Path.Combine(dir, "national.yaml"));
    Single("National (2,500 parks, 500,000 enterprises), 1 year, 1 replication, baseline", national, budget, sampler, calls);
}

if (scenarioFile is not null)
{
    var custom = ScenarioLoader.LoadFile(scenarioFile);
    Single($"{scenarioFile}, 1 year, 1 replication, baseline", custom, budget, sampler, calls);
}

if (Want("experiment"))
{
    var s = ScenarioLoader.LoadFile(Path.Combine(dir, "xiangan.yaml")) with { Replications = replications };
    var watch = Stopwatch.StartNew();
    var results = Experiment.Run(s, new ExperimentOptions { Parallelism = Environment.ProcessorCount });
    var minutes = watch.Elapsed.TotalMinutes;
    Console.WriteLine($"[experiment] Xiang'an, {s.Policies.Count} policies × {s.Replications} replications = {results.Count} runs on {Environment.ProcessorCount} threads: " +
                      $"{watch.Elapsed.TotalSeconds:0.0} s wall → {results.Count / minutes:0.0} replications/min; {results.Sum(r => r.Turns) / watch.Elapsed.TotalSeconds:0} events/s in total");
    if (outDir is not null)
    {
        Reports.Write(outDir, s, File.ReadAllText(Path.Combine(dir, "xiangan.yaml")), results, new Manifest { CommandLine = string.Join(" ", args) });
        Console.WriteLine($"  report written to {outDir}");
    }
}

return 0;

static void Single(string label, Scenario s, double budget, AllocationSampler? sampler, bool breakdown = false)
{
    IReadOnlyList<ParkGrid.Runtime.Metrics.MethodStatistics> methods = [];
    IReadOnlyDictionary<string, long> turnsByType = new Dictionary<string, long>();
    GC.Collect();
    sampler?.Reset();
    var before = GC.GetTotalAllocatedBytes(true);
    var watch = Stopwatch.StartNew();
    var setup = TimeSpan.Zero;
    var days = 0;
    var (result, run, _) = ReplicationRunner.RunDetailed(s, 0, 0, new RunOptions
    {
        OnSetupDone = () => setup = watch.Elapsed,
        OnDay = d => days = d,
        Continue = _ => watch.Elapsed.TotalSeconds < budget,
        OnFinished = host =>
        {
            methods = host.Runtime.Statistics.Methods();
            turnsByType = host.TurnsByGrainType;
        },
        TimeCalls = breakdown,
    });
    var wall = watch.Elapsed;
    var simulate = wall - setup;
    var process = Process.GetCurrentProcess();
    var allocated = GC.GetTotalAllocatedBytes(true) - before;
    Console.WriteLine($"[{s.Name}] {label}");
    Console.WriteLine($"  wall {wall.TotalSeconds:0.0} s (setup {setup.TotalSeconds:0.0} s, simulation {simulate.TotalSeconds:0.0} s for {days} of {s.HorizonDays} days)");
    Console.WriteLine($"  grain events (runtime turns) {result.Turns:N0} → {result.Turns / wall.TotalSeconds:N0}/s on one thread; cases {run.Metrics.Cases.Count:N0}; problems {run.Metrics.Problems.Arisen:N0}");
    Console.WriteLine($"  peak working set {process.PeakWorkingSet64 / 1048576.0:N0} MiB; GC heap now {GC.GetTotalMemory(false) / 1048576.0:N0} MiB; allocated {allocated / 1048576.0:N0} MiB; gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}; GC pause {GC.GetTotalPauseDuration().TotalSeconds:0.0} s");
    if (breakdown)
    {
        // Which grains the turns went to: the grains that outnumber the caches (enterprises, cases) cost the most per turn.
        Console.WriteLine("  turns per grain type (calls, timer ticks, reminders, activations): " + string.Join(", ",
            turnsByType.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value:N0} ({100.0 * t.Value / result.Turns:0.0}%)")));
        Console.WriteLine("  calls per grain method with the runtime's mean call latency (wall time from call to completion: it includes nested");
        Console.WriteLine("  inline calls and time queued behind other turns, so it is an upper bound on the method's own cost), by calls × mean:");
        foreach (var m in methods.OrderByDescending(m => m.Calls * m.Mean.Ticks).ThenByDescending(m => m.Calls).Take(24))
            Console.WriteLine($"    {m.GrainType + "." + m.Method,-44} {m.Calls,9:N0} calls  mean {m.Mean.TotalMicroseconds,8:0.0} µs  calls×mean {m.Calls * m.Mean.TotalSeconds,6:0.00} s");
    }

    sampler?.Print(25);
    if (days < s.HorizonDays)
    {
        var perDay = simulate.TotalSeconds / Math.Max(1, days);
        Console.WriteLine($"  STOPPED at the {budget:0} s budget: simulated {days}/{s.HorizonDays} days ({100.0 * days / s.HorizonDays:0.0}%). EXTRAPOLATED full year: {setup.TotalSeconds + perDay * s.HorizonDays:0} s (linear in days; setup measured)");
    }
}

static string FindScenarios()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "simulations", "scenarios"))) d = d.Parent;
    return Path.Combine(d?.FullName ?? throw new InvalidOperationException("simulations/scenarios not found"), "simulations", "scenarios");
}
