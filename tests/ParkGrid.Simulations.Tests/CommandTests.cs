using System.CommandLine;

namespace ParkGrid.Simulations.Tests;

public sealed class CommandTests
{
    private static int Invoke(params string[] args)
    {
        var root = new RootCommand("parkgrid");
        foreach (var c in SimulationCommands.Create()) root.Subcommands.Add(c);
        return root.Parse(args).Invoke();
    }

    [Fact]
    public void Simulate_and_merge_write_reports_and_a_bad_scenario_exits_2()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-cmd-").FullName;
        try
        {
            var good = Path.Combine(dir, "small.yaml");
            File.WriteAllText(good, TestScenarios.Small.Replace("horizonDays: 120", "horizonDays: 40").Replace("warmupDays: 20", "warmupDays: 5"));
            Assert.Equal(0, Invoke("simulate", good, "--out", Path.Combine(dir, "s0"), "--replications", "2", "--shard", "0/2", "--quiet", "--policies", "joint"));
            Assert.Equal(0, Invoke("simulate", good, "--out", Path.Combine(dir, "s1"), "--replications", "2", "--shard", "1/2", "--quiet", "--policies", "joint"));
            Assert.Equal(0, Invoke("merge", Path.Combine(dir, "s0"), Path.Combine(dir, "s1"), "--out", Path.Combine(dir, "all")));
            var csv = File.ReadAllLines(Path.Combine(dir, "all", "replications.csv"));
            Assert.Equal(1 + 2 * 2, csv.Length);
            Assert.True(File.Exists(Path.Combine(dir, "all", "report.html")));

            var bad = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(bad, TestScenarios.Small.Replace("handlers: 2,", "handlers: -2,"));
            var (code, errors) = InvokeCapturing("simulate", bad, "--out", Path.Combine(dir, "bad"), "--quiet");
            Assert.Equal(2, code);
            Assert.Contains("bad.yaml:", errors);
            Assert.Contains("departments[0].handlers", errors);
            Assert.Equal(1, Invoke("simulate", good, "--out", Path.Combine(dir, "x"), "--policies", "nope", "--quiet"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Runs a command with standard error captured.</summary>
    private static (int Code, string Errors) InvokeCapturing(params string[] args)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (Invoke(args), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    /// <summary>A temporary directory holding small.yaml (the small test scenario); deleted when disposed.</summary>
    private sealed class SmallScenarioDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("parkgrid-cmd-").FullName;
        public string Scenario => System.IO.Path.Combine(Path, "small.yaml");
        public SmallScenarioDirectory() => File.WriteAllText(Scenario, TestScenarios.Small);
        public string this[string name] => System.IO.Path.Combine(Path, name);
        public void Dispose() => Directory.Delete(Path, true);
    }

    [Theory]
    [InlineData("--replications", "0", "--replications must be between 1 and 100000 (it is 0)")]
    [InlineData("-j", "0", "--parallelism must be at least 1 (it is 0)")]
    public void Zero_replications_or_zero_parallelism_are_refused_and_nothing_is_written(string option, string value, string message)
    {
        using var dir = new SmallScenarioDirectory();
        var (code, errors) = InvokeCapturing("simulate", dir.Scenario, "--out", dir["out"], option, value, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains(message, errors);
        Assert.False(Directory.Exists(dir["out"]));
    }

    /// <summary>
    /// Replications at once: one per processor unless the memory would not hold them by the estimate (9 KiB per enterprise
    /// per replication, plus the process's base and the gen0 budget). The province (50,000 enterprises) needs about
    /// 0.43 GiB a replication: with 1.5 GiB to use and a 128 MiB budget, two fit, not four (four would need 2.0 GiB).
    /// An explicit -j is kept, with a warning when it does not fit; a replication that alone does not fit runs alone,
    /// with a warning.
    /// </summary>
    [Fact]
    public void Replications_at_once_follow_the_processors_unless_the_memory_would_not_hold_them()
    {
        var province = Scenarios.Load("province.yaml");
        var xiangan = Scenarios.Load("xiangan.yaml");
        const long GiB = 1L << 30, budget = 128L << 20;

        Assert.Equal((4, (string?)null), SimulationCommands.ReplicationsAtOnce(xiangan, null, 4, GiB, budget));
        Assert.Equal((4, (string?)null), SimulationCommands.ReplicationsAtOnce(province, null, 4, 8 * GiB, budget));

        var (threads, note) = SimulationCommands.ReplicationsAtOnce(province, null, 4, 3 * GiB / 2, budget);
        Assert.Equal(2, threads);
        Assert.StartsWith("note: running 2 replications at once, not 4", note);
        Assert.Contains("4 replications of province at once need about 2.0 GiB", note);
        Assert.Contains("-j sets it", note);

        var (asked, warning) = SimulationCommands.ReplicationsAtOnce(province, 4, 4, 3 * GiB / 2, budget);
        Assert.Equal(4, asked);
        Assert.StartsWith("warning: 4 replications of province at once need about 2.0 GiB, more than the 1.5 GiB", warning);
        Assert.Equal((3, (string?)null), SimulationCommands.ReplicationsAtOnce(province, 3, 4, 8 * GiB, budget));

        var (alone, tooBig) = SimulationCommands.ReplicationsAtOnce(province, null, 4, GiB / 4, budget);
        Assert.Equal(1, alone);
        Assert.Contains("running one at a time", tooBig);

        // A runtime that reports no memory figure: one per processor, nothing said.
        Assert.Equal((4, (string?)null), SimulationCommands.ReplicationsAtOnce(province, null, 4, 0, budget));
    }

    [Fact]
    public void One_policy_and_one_replication_are_counted_in_the_singular()
    {
        using var dir = new SmallScenarioDirectory();
        var (code, errors) = InvokeCapturing("simulate", dir.Scenario, "--out", dir["out"], "--replications", "1", "--policies", "baseline", "-j", "1");
        Assert.Equal(0, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(": 1 policy × 1 replication on 1 thread", lines[0]);
        Assert.StartsWith("1 replication in ", lines[^1]);
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_refused_before_the_run()
    {
        using var dir = new SmallScenarioDirectory();
        File.WriteAllText(dir["taken"], "mine");
        // Not quiet: a run would first say "simulating …" (the test's console is not interactive).
        var (code, errors) = InvokeCapturing("simulate", dir.Scenario, "--out", dir["taken"], "--replications", "1");
        Assert.Equal(1, code);
        Assert.Contains("is a file", errors);
        Assert.DoesNotContain("simulating", errors);
        Assert.Equal("mine", File.ReadAllText(dir["taken"]));
    }

    [Fact]
    public void A_run_whose_console_is_not_interactive_prints_progress_lines_to_its_log()
    {
        using var dir = new SmallScenarioDirectory();
        var interval = SimulationCommands.ProgressLineInterval;
        SimulationCommands.ProgressLineInterval = TimeSpan.Zero; // a line at every look (every 250 ms, and at the end)
        try
        {
            var (code, errors) = InvokeCapturing("simulate", dir.Scenario, "--out", dir["out"], "--replications", "2", "-j", "1");
            Assert.Equal(0, code);
            var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("simulating ", lines[0]);
            var progress = lines.Where(l => l.Contains(" simulated days (", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(progress);
            // The last look comes after the run: every replication and every day counted.
            Assert.Matches(@": (\d+)/\1 replications, ([\d,]+) of \2 simulated days \(100%\)", progress[^1]);
            Assert.Contains("replications in", lines[^1]);
        }
        finally
        {
            SimulationCommands.ProgressLineInterval = interval;
        }
    }

    [Fact]
    public void A_large_scenario_started_without_a_bigger_gen0_budget_gets_a_hint_and_a_small_one_or_a_tuned_process_none()
    {
        var province = Scenarios.Load("province.yaml");
        var xiangan = Scenarios.Load("xiangan.yaml");
        Assert.Equal(50_000, province.EnterpriseCount);
        Func<string, string?> unset = _ => null;
        const long defaultBudget = 128L << 20, bigBudget = 1L << 30;

        var hint = SimulationCommands.LargeHeapHint(province, defaultBudget, unset);
        Assert.NotNull(hint);
        Assert.Contains("50,000 enterprises", hint);
        Assert.Contains("gen0 budget 128 MiB", hint);
        Assert.Contains("DOTNET_GCgen0size=0x40000000", hint);
        Assert.Contains("DOTNET_GCSegmentSize=0x80000000", hint);

        Assert.Null(SimulationCommands.LargeHeapHint(xiangan, defaultBudget, unset));
        // What counts is the budget the GC took, whatever the variables' prefix: none for a tuned process.
        Func<string, string?> both = name => name switch { "DOTNET_GCgen0size" => "0x40000000", "COMPlus_GCSegmentSize" => "80000000", _ => null };
        Assert.Null(SimulationCommands.LargeHeapHint(province, bigBudget, both));
        Assert.Null(SimulationCommands.LargeHeapHint(province, bigBudget, unset));
        // Both variables set, but to a small budget: still the hint.
        Assert.Contains("gen0 budget 16 MiB", SimulationCommands.LargeHeapHint(province, 16L << 20, both));
        Assert.Equal(hint, SimulationCommands.LargeHeapHint(province, defaultBudget, name => name == "DOTNET_GCgen0size" ? "" : null));

        // The gen0 size alone stays capped by the default segment: the hint says what is missing.
        var half = SimulationCommands.LargeHeapHint(province, defaultBudget, name => name == "DOTNET_GCgen0size" ? "0x40000000" : null);
        Assert.NotNull(half);
        Assert.Contains("DOTNET_GCSegmentSize is not", half);
        Assert.Contains("(gen0 budget 128 MiB)", half);
        Assert.DoesNotContain("enterprises", half);

        // A runtime that does not report its budget: judged by the variables, and said so.
        Assert.Null(SimulationCommands.LargeHeapHint(province, 0, both));
        Assert.Contains("gen0 budget not reported by the runtime", SimulationCommands.LargeHeapHint(province, 0, unset));

        // This process's own budget is read from the runtime.
        Assert.True(SimulationCommands.Gen0MaxBudget() > 0, "the runtime did not report GCGen0MaxBudget");
    }
}
