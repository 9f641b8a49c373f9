using NodaTime;
namespace ParkGrid.Simulations.Tests;

public sealed class DeterminismTests
{
    private static string RunTo(Scenario s, string dir, int parallelism = 2)
    {
        var results = Experiment.Run(s, new ExperimentOptions { Parallelism = parallelism });
        Reports.Write(dir, s, TestScenarios.Small, results, new Manifest { CommandLine = "test" });
        return dir;
    }

    private static string Temp() => Directory.CreateTempSubdirectory("parkgrid-sim-").FullName;

    [Fact]
    public void Same_scenario_and_seed_give_byte_identical_outputs_and_another_seed_different_ones()
    {
        var s = TestScenarios.Parse();
        var a = RunTo(s, Temp(), parallelism: 2);
        var b = RunTo(s, Temp(), parallelism: 1);
        var c = RunTo(s with { Seed = 43 }, Temp());
        try
        {
            var csvA = File.ReadAllBytes(Path.Combine(a, "replications.csv"));
            Assert.Equal(csvA, File.ReadAllBytes(Path.Combine(b, "replications.csv")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "report.md")), File.ReadAllBytes(Path.Combine(b, "report.md")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "report.html")), File.ReadAllBytes(Path.Combine(b, "report.html")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "time_to_resolve.csv")), File.ReadAllBytes(Path.Combine(b, "time_to_resolve.csv")));
            Assert.NotEqual(csvA, File.ReadAllBytes(Path.Combine(c, "replications.csv")));
            Assert.NotEqual(File.ReadAllText(Path.Combine(a, "report.md")), File.ReadAllText(Path.Combine(c, "report.md")));
            var rows = File.ReadAllLines(Path.Combine(a, "replications.csv"));
            Assert.Equal(1 + 3 * 3, rows.Length);
            Assert.Contains("\"scenarioSha256\"", File.ReadAllText(Path.Combine(a, "manifest.json")));
            var html = File.ReadAllText(Path.Combine(a, "report.html"));
            Assert.Contains("<svg", html);
            Assert.DoesNotContain("<script src", html);
            Assert.DoesNotContain("<link", html);
        }
        finally
        {
            foreach (var d in new[] { a, b, c }) Directory.Delete(d, true);
        }
    }

    [Fact]
    public void Shards_merged_equal_the_unsharded_run()
    {
        var s = TestScenarios.Parse() with { Replications = 3 };
        var whole = Temp();
        var shard0 = Temp();
        var shard1 = Temp();
        var merged = Temp();
        try
        {
            RunTo(s, whole);
            foreach (var (dir, i) in new[] { (shard0, 0), (shard1, 1) })
            {
                var results = Experiment.Run(s, new ExperimentOptions { ShardIndex = i, ShardCount = 2 });
                Assert.All(results, r => Assert.Equal(i, r.Replication % 2));
                Reports.Write(dir, s, TestScenarios.Small, results, new Manifest { Shards = [$"{i}/2"] });
            }

            Reports.Merge([shard1, shard0], merged, "merge");
            Assert.Equal(File.ReadAllText(Path.Combine(whole, "replications.csv")), File.ReadAllText(Path.Combine(merged, "replications.csv")));
            Assert.Equal(File.ReadAllText(Path.Combine(whole, "report.md")), File.ReadAllText(Path.Combine(merged, "report.md")));
        }
        finally
        {
            foreach (var d in new[] { whole, shard0, shard1, merged }) Directory.Delete(d, true);
        }
    }

    [Fact]
    public void Common_random_numbers_give_every_policy_the_same_arrivals_in_a_replication()
    {
        var s = TestScenarios.Parse();
        var arrivals = new List<(Instant, string, ParkGrid.Domain.Cases.CaseCategory)>[3, 2];
        for (var p = 0; p < 3; p++)
            for (var r = 0; r < 2; r++)
            {
                var (result, run, _) = ReplicationRunner.RunDetailed(s, p, r, new RunOptions { RecordArrivals = true });
                arrivals[p, r] = run.Metrics.Arrivals!;
                Assert.Equal(run.Metrics.ArrivalHash, result.ArrivalHash);
            }

        for (var r = 0; r < 2; r++)
        {
            Assert.NotEmpty(arrivals[0, r]);
            Assert.Equal(arrivals[0, r], arrivals[1, r]);
            Assert.Equal(arrivals[0, r], arrivals[2, r]);
        }

        Assert.NotEqual(arrivals[0, 0], arrivals[0, 1]);
    }

    [Fact]
    public void Policies_actually_change_outcomes()
    {
        var s = TestScenarios.Parse();
        var baseline = ReplicationRunner.Run(s, 0, 0);
        var joint = ReplicationRunner.Run(s, 1, 0);
        Assert.Equal(baseline.Kpis["problems_arisen"], joint.Kpis["problems_arisen"]);
        Assert.True(joint.Kpis["inspections_per_enterprise_quarter"] < baseline.Kpis["inspections_per_enterprise_quarter"],
            $"joint inspection merges visits: {joint.Kpis["inspections_per_enterprise_quarter"]} vs {baseline.Kpis["inspections_per_enterprise_quarter"]}");
    }

    [Fact]
    public void Calls_are_timed_only_when_asked_and_timing_changes_no_outcome()
    {
        var s = TestScenarios.Parse();
        IReadOnlyList<ParkGrid.Runtime.Metrics.MethodStatistics> untimed = [], timed = [];
        var plain = ReplicationRunner.Run(s, 0, 0, new RunOptions { OnFinished = h => untimed = h.Runtime.Statistics.Methods() });
        var measured = ReplicationRunner.Run(s, 0, 0, new RunOptions { TimeCalls = true, OnFinished = h => timed = h.Runtime.Statistics.Methods() });

        // Counted either way, timed only on request.
        Assert.Contains(untimed, m => m.Calls > 0);
        Assert.All(untimed, m => Assert.Equal(TimeSpan.Zero, m.Mean));
        Assert.Contains(timed, m => m.Mean > TimeSpan.Zero);
        Assert.Equal(untimed.Sum(m => m.Calls), timed.Sum(m => m.Calls));
        Assert.Equal(plain.Turns, measured.Turns);
        Assert.Equal(plain.Kpis, measured.Kpis);
    }
}
