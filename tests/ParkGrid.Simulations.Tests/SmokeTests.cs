using Xunit.Abstractions;

namespace ParkGrid.Simulations.Tests;

public sealed class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Xiangan_runs_a_year()
    {
        var s = Scenarios.Load("xiangan.yaml");
        var (r, run, account) = ReplicationRunner.RunDetailed(s, 0, 0, new RunOptions { AccountProblems = true });
        foreach (var (k, v) in r.Kpis) output.WriteLine($"{k} = {v}");
        output.WriteLine($"turns {r.Turns} wall {r.WallSeconds:0.00}s errors {run.Metrics.Errors.Count} refused {run.Metrics.RefusedActions}");
        output.WriteLine(account!.ToString());
        foreach (var e in run.Metrics.Errors.Take(5)) output.WriteLine(e);
        var byChannel = run.Metrics.Cases.Values.GroupBy(c => c.Channel).Select(g => $"{g.Key}:{g.Count()}");
        output.WriteLine(string.Join(" ", byChannel));
    }
}
