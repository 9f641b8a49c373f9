using Xunit.Abstractions;

namespace ParkGrid.Simulations.Tests;

public sealed class ValidityTests(ITestOutputHelper output)
{
    /// <summary>Erlang C: the probability an arrival waits in an M/M/c queue with offered load a = λ/μ.</summary>
    private static double ErlangC(int c, double a)
    {
        double sum = 0, term = 1;
        for (var k = 0; k < c; k++)
        {
            if (k > 0) term *= a / k;
            sum += term;
        }

        var last = term * a / c * (c / (c - a));
        return last / (sum + last);
    }

    [Fact]
    public void One_department_reproduces_the_MMc_mean_wait_and_Littles_law()
    {
        const int c = 3;
        const double lambda = 2.0, mean = 1.0;
        var s = TestScenarios.Parse(TestScenarios.Queue(c, lambda, mean, days: 1200, warmup: 60), "mmc.yaml");
        var results = Experiment.Run(s, new ExperimentOptions { Parallelism = 2 });
        var a = lambda * mean;
        var wq = ErlangC(c, a) / (c / mean - lambda);
        var waits = Estimate.Of(results.Select(r => r.Kpis["department_wait_mean_days"]));
        output.WriteLine($"Erlang C Wq = {wq:0.0000} days; simulated {waits.Mean:0.0000} ± {waits.HalfWidth:0.0000} (n={waits.N}); per replication: {string.Join(", ", results.Select(r => r.Kpis["department_wait_mean_days"].ToString("0.000")))}");
        // Within sampling error: the t interval over replications, widened by half for the small n.
        Assert.InRange(wq, waits.Mean - 1.5 * waits.HalfWidth - 0.02, waits.Mean + 1.5 * waits.HalfWidth + 0.02);

        // Little's law on the queue: time-average number waiting = arrival rate × mean wait.
        foreach (var r in results)
        {
            var window = s.HorizonDays - s.WarmupDays;
            var lq = r.Kpis["department_queue_mean"];
            var littles = r.Kpis["cases_received"] / window * r.Kpis["department_wait_mean_days"];
            output.WriteLine($"replication {r.Replication}: Lq {lq:0.0000}, λ̂·Wq {littles:0.0000}, theory λ·Wq {lambda * wq:0.0000}");
            Assert.InRange(lq, littles * 0.95 - 0.01, littles * 1.05 + 0.01);
        }

        var lqAll = Estimate.Of(results.Select(r => r.Kpis["department_queue_mean"]));
        Assert.InRange(lambda * wq, lqAll.Mean - 1.5 * lqAll.HalfWidth - 0.04, lqAll.Mean + 1.5 * lqAll.HalfWidth + 0.04);
    }

    [Fact]
    public void Littles_law_holds_for_open_cases()
    {
        // Two years of the small district: time-average open cases ≈ arrival rate × mean time open (cases received after
        // warm-up, time open truncated at the horizon; the difference is the boundary effect, small against two years).
        var s = TestScenarios.Parse() with { HorizonDays = 730, WarmupDays = 90 };
        var (result, run, _) = ReplicationRunner.RunDetailed(s, 0, 0);
        var window = (s.End - s.WarmupEnd).TotalDays;
        var cases = run.Metrics.Cases.Values.Where(c => c.ReceivedAt >= s.WarmupEnd).ToList();
        var lambda = cases.Count / window;
        var meanOpen = cases.Average(c => ((c.ClosedAt ?? s.End) - c.ReceivedAt).TotalDays);
        var l = result.Kpis["open_cases_mean"];
        output.WriteLine($"L = {l:0.000}, λ = {lambda:0.0000}/day, W = {meanOpen:0.00} days, λW = {lambda * meanOpen:0.000} ({cases.Count} cases)");
        Assert.True(cases.Count > 300);
        Assert.InRange(l, lambda * meanOpen * 0.9, lambda * meanOpen * 1.1);
    }

    [Fact]
    public void Satisfaction_falls_with_time_open_when_the_scenario_says_so()
    {
        var fixedScores = TestScenarios.Parse();
        var dynamic = TestScenarios.Parse(TestScenarios.Small.Replace("substantiatedShare: 0.7",
            "substantiatedShare: 0.7\n  satisfaction: {satisfied: 95, unsatisfied: 40, lossPerDayOpen: 0.5}"));
        var a = ReplicationRunner.Run(fixedScores, 0, 0).Kpis["satisfaction_mean"];
        var b = ReplicationRunner.Run(dynamic, 0, 0).Kpis["satisfaction_mean"];
        output.WriteLine($"fixed {a:0.0}, dynamic {b:0.0}");
        Assert.Equal(90, a, 3);
        Assert.InRange(b, 41, 94);
    }

    [Fact]
    public void Every_problem_that_arose_is_accounted_for()
    {
        var s = TestScenarios.Parse();
        for (var p = 0; p < s.Policies.Count; p++)
        {
            var (_, run, account) = ReplicationRunner.RunDetailed(s, p, 0, new RunOptions { AccountProblems = true });
            output.WriteLine($"{s.Policies[p].Name}: {account}");
            Assert.True(account!.Arisen > 50);
            Assert.Equal(account.Arisen, account.AccountedFor);
            Assert.Equal(account.Latent, account.FiledAtVisit + account.ReopenReasons + account.LatentAtEnd);
            // Every case is open, resolved or unfounded.
            var cases = run.Metrics.Cases.Values.ToList();
            Assert.Equal(cases.Count, cases.Count(c => !c.Closed) + cases.Count(c => c.Closed && c.Unfounded) + cases.Count(c => c.Closed && !c.Unfounded));
            Assert.Equal(run.Metrics.Open, cases.Count(c => !c.Closed));
            Assert.Empty(run.Metrics.Errors);
        }
    }
}
