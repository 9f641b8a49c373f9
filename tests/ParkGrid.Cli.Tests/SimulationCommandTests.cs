using Xunit;

namespace ParkGrid.Cli.Tests;

/// <summary>The simulation commands (simulations/ParkGrid.Simulations) are part of parkgrid; they need no silo.</summary>
public class SimulationCommandTests
{
    private static string Scenario(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "simulations", "scenarios", name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"simulations/scenarios/{name} not found above {AppContext.BaseDirectory}");
    }

    private static async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_lists_simulate_and_merge()
    {
        var run = await RunAsync("--help");
        Assert.Contains("  simulate <scenario>", run.Out);
        Assert.Contains("  merge ", run.Out);
        var simulate = await RunAsync("simulate", "--help");
        Assert.Equal(0, simulate.ExitCode);
        Assert.Contains("--replications", simulate.Out);
    }

    [Fact]
    public async Task Simulate_runs_a_scenario_and_writes_its_report()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-cli-sim-").FullName;
        try
        {
            var run = await RunAsync("simulate", Scenario("xiangan.yaml"), "--out", dir, "--replications", "1", "--policies", "baseline", "--quiet", "-j", "1");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.True(File.Exists(Path.Combine(dir, "report.md")));
            Assert.True(File.Exists(Path.Combine(dir, "manifest.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_malformed_scenario_exits_2()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-cli-sim-").FullName;
        try
        {
            var scenario = Path.Combine(dir, "bad.yaml");
            await File.WriteAllTextAsync(scenario, "name: bad\nperiod:\n  start: not-a-date\n");
            var run = await RunAsync("simulate", scenario, "--out", Path.Combine(dir, "out"), "--quiet");
            Assert.Equal(2, run.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
