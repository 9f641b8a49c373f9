using System.Diagnostics;
using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Grains;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Scheduling;
using ParkGrid.Runtime.Storage;

namespace ParkGrid.Simulations;

/// <summary>The measured outcome of one replication under one policy.</summary>
public sealed record ReplicationResult(
    string Policy,
    int PolicyIndex,
    int Replication,
    IReadOnlyDictionary<string, double> Kpis,
    IReadOnlyList<int> TimeToResolveHistogram,
    ulong ArrivalHash,
    long Turns,
    double WallSeconds);

/// <summary>Options of a single replication run.</summary>
public sealed record RunOptions
{
    /// <summary>Keep every arrival (for tests of common random numbers).</summary>
    public bool RecordArrivals { get; init; }

    /// <summary>At the end, ask every enterprise how many latent problems it holds (the accounting identity; costs one call per enterprise).</summary>
    public bool AccountProblems { get; init; }

    /// <summary>Called after each simulated day with the day number (on the replication's thread).</summary>
    public Action<int>? OnDay { get; init; }

    /// <summary>Asked after each simulated day whether to go on (benchmarks stop early and extrapolate); default: always.</summary>
    public Func<int, bool>? Continue { get; init; }

    /// <summary>Called with the host after the run, before it is disposed (benchmarks read its statistics).</summary>
    public Action<DeterministicHost>? OnFinished { get; init; }

    /// <summary>Called once the world is set up (before the first simulated day).</summary>
    public Action? OnSetupDone { get; init; }

    /// <summary>Time every grain call on the wall clock (the runtime's per-method latency, read in <see cref="OnFinished"/>).
    /// Off by default: two clock reads per turn buy nothing a simulation reports.</summary>
    public bool TimeCalls { get; init; }
}

/// <summary>Runs one replication of one policy on its own deterministic host, on the calling thread.</summary>
public static class ReplicationRunner
{
    /// <summary>Time to resolve is binned by whole days; the last bin holds everything at or beyond it.</summary>
    public const int HistogramDays = 366;

    public static ReplicationResult Run(Scenario scenario, int policyIndex, int replication, RunOptions? options = null) =>
        RunDetailed(scenario, policyIndex, replication, options).Result;

    public static (ReplicationResult Result, SimulationRun Run, ProblemAccount? Account) RunDetailed(Scenario scenario, int policyIndex, int replication, RunOptions? options = null)
    {
        options ??= new RunOptions();
        var wall = Stopwatch.StartNew();
        var run = new SimulationRun(scenario, policyIndex, replication, options.RecordArrivals);
        var builder = new GrainHostBuilder()
            .AddParkGridGrains(new ParkGridServices(OutOfRangeBehavior.AssumeWeekendsOnly, fallback: run, events: run))
            .AddGrainsFrom(typeof(SimArrivalsGrain).Assembly)
            .UseStorage(new ReferenceGrainStorage())
            .Configure(o =>
            {
                o.Seed = run.RunSeed;
                o.CollectionAge = Duration.FromDays(scenario.CollectionAgeDays);
                o.CollectionQuantum = Duration.FromHours(1);
            });
        using var host = builder.BuildDeterministic(scenario.StartInstant);
        host.Runtime.Statistics.LatencyProfiling = options.TimeCalls; // calls are still counted
        run.Factory = host.GrainFactory;
        host.Run(() => Setup(scenario, run, host.GrainFactory));
        host.RunReady();
        options.OnSetupDone?.Invoke();

        var day = 0;
        while (host.Now < scenario.End)
        {
            var next = Instant.Min(scenario.End, scenario.StartInstant + Duration.FromDays(++day));
            host.AdvanceTo(next);
            options.OnDay?.Invoke(day);
            if (options.Continue is { } go && !go(day)) break;
        }

        run.Metrics.Finish(host.Now);
        var kpi = host.Run(() => host.GrainFactory.GetGrain<IDistrictGrain>(scenario.District.Id).GetKpis());
        ProblemAccount? account = null;
        if (options.AccountProblems) account = host.Run(() => Account(scenario, run, host.GrainFactory));
        var (kpis, histogram) = Kpis(scenario, run, kpi);
        var turns = host.TurnsExecuted;
        options.OnFinished?.Invoke(host);
        return (new ReplicationResult(run.Spec.Name, policyIndex, replication, kpis, histogram, run.Metrics.ArrivalHash, turns, wall.Elapsed.TotalSeconds), run, account);
    }

    private static async Task Setup(Scenario s, SimulationRun run, IGrainFactory g)
    {
        var district = g.GetGrain<IDistrictGrain>(s.District.Id);
        var supervisors = Enumerable.Range(1, Math.Max(1, s.District.Supervisors)).Select(i => $"sup-{i:0000}").ToArray();
        await district.Configure(new DistrictSetup(s.District.Name, supervisors, run.Policy with { Supervisors = Math.Max(1, s.District.Supervisors) }));
        foreach (var p in s.Parks) await district.AddPark(p.Id, p.Name);
        foreach (var d in s.Departments) await district.AddDepartment(d.Id, d.Name);

        var industry = new Xoshiro256Random(ParkGrid.Runtime.Scheduling.StableHash.Combine(s.Seed, StableHash.Of("enterprises"), 0));
        var cadenceDays = Math.Max(1, Period.Between(s.Start, s.Start.Plus(run.VisitCadence), PeriodUnits.Days).Days);
        var capacityPerRound = Math.Max(1, (int)Math.Round(s.District.VisitCapacityPerWeek * cadenceDays / 7.0));
        var cadre = 0;
        foreach (var p in s.Parks)
        {
            var plan = run.Parks[p.Id];
            var mix = p.IndustryMix.ToArray();
            var mixTotal = mix.Sum(kv => kv.Value);
            var explicitById = p.ExplicitEnterprises.ToDictionary(e => e.Id, StringComparer.Ordinal);
            foreach (var id in plan.Enterprises)
            {
                EnterpriseProfile profile;
                if (explicitById.TryGetValue(id, out var e)) profile = new EnterpriseProfile(p.Id, e.Name, e.Industry, e.AboveDesignatedSize);
                else
                {
                    var u = industry.NextDouble() * mixTotal;
                    var ind = mix[^1].Key;
                    foreach (var (k, w) in mix)
                    {
                        if (u < w) { ind = k; break; }
                        u -= w;
                    }

                    profile = new EnterpriseProfile(p.Id, id, ind, industry.NextDouble() < p.AboveDesignatedSizeShare);
                }

                var ent = g.GetGrain<IEnterpriseGrain>(id);
                await ent.Register(profile);
                if (run.Behaviour.SatisfiedScore != 90 || run.Behaviour.UnsatisfiedScore != 40) // the grain's defaults
                    await ent.SetSatisfaction(run.Behaviour.SatisfiedScore, run.Behaviour.UnsatisfiedScore);
            }

            for (var j = 0; j < plan.FirstVisit.Length; j++)
            {
                var covered = new List<string>();
                for (var i = 0; i < plan.Enterprises.Length; i++)
                    if (plan.ContactPointOf[i] == j) covered.Add(plan.Enterprises[i]);
                if (covered.Count == 0) continue;
                await g.GetGrain<IContactPointGrain>($"{p.Id}-cp-{j + 1:000}").Configure(new ContactPointSetup(
                    p.Id, covered[0], $"liaison-{p.Id}-{j + 1:000}", supervisors[cadre++ % supervisors.Length], covered, capacityPerRound, plan.FirstVisit[j]));
            }
        }

        // Inspection plans: Poisson counts per enterprise, uniform days; from the replication's seed only (same under every policy).
        foreach (var d in s.Departments.Where(d => d.InspectionsPerEnterprisePerYear > 0))
        {
            var random = new Xoshiro256Random(StableHash.Combine(run.RunSeed, StableHash.Of("inspections/" + d.Id), 1));
            var mean = d.InspectionsPerEnterprisePerYear * s.HorizonDays / 365.0;
            var batch = new List<PlannedInspection>();
            foreach (var p in s.Parks)
                foreach (var id in run.Parks[p.Id].Enterprises)
                {
                    var n = MathNet.Numerics.Distributions.Poisson.Sample(random, mean);
                    for (var k = 0; k < n; k++)
                        batch.Add(new PlannedInspection(id, s.Start.PlusDays(1 + random.Next(s.HorizonDays - 1)), $"{d.Id}-{id}-{k}"));
                }

            // One call per department: the department keeps its plan sorted, so batches would re-sort a growing plan.
            if (batch.Count > 0) await g.GetGrain<IDepartmentGrain>(d.Id).PlanInspections(batch);
        }

        foreach (var p in s.Parks) await g.GetGrain<ISimArrivalsGrain>(p.Id).Start();
    }

    /// <summary>What became of every problem: filed through a channel, filed at a visit, taken as the reason of a reopening,
    /// still latent, still to be reported, or never reported.</summary>
    public sealed record ProblemAccount(long Arisen, long ChannelFiled, long ChannelPending, long NeverReported, long Latent, long FiledAtVisit, long ReopenReasons, long LatentAtEnd, long VisitRounds = 0, long Visits = 0)
    {
        public long AccountedFor => ChannelFiled + ChannelPending + NeverReported + FiledAtVisit + ReopenReasons + LatentAtEnd;
    }

    private static async Task<ProblemAccount> Account(Scenario s, SimulationRun run, IGrainFactory g)
    {
        long latentAtEnd = 0;
        foreach (var p in s.Parks)
            foreach (var id in run.Parks[p.Id].Enterprises)
                latentAtEnd += (await g.GetGrain<IEnterpriseGrain>(id).GetSnapshot()).PendingProblems.Count;
        long rounds = 0, visits = 0;
        foreach (var p in s.Parks)
            for (var j = 0; j < run.Parks[p.Id].FirstVisit.Length; j++)
            {
                var cp = await g.GetGrain<IContactPointGrain>($"{p.Id}-cp-{j + 1:000}").GetSnapshot();
                rounds += cp.Rounds;
                visits += cp.VisitsMade;
            }

        var m = run.Metrics;
        var atVisit = m.Cases.Values.LongCount(c => c.Channel == CaseChannel.ContactPointVisit);
        return new ProblemAccount(m.Problems.Arisen, m.Problems.ChannelFiled, m.Problems.ChannelPending, m.Problems.NeverReported, m.Problems.Latent, atVisit, m.ProblemsConsumedByReopen, latentAtEnd, rounds, visits);
    }

    private static (Dictionary<string, double>, int[]) Kpis(Scenario s, SimulationRun run, KpiReport district)
    {
        var m = run.Metrics;
        var window = (s.End - s.WarmupEnd).TotalDays;
        var cases = m.Cases.Values.Where(c => c.ReceivedAt >= s.WarmupEnd && c.Channel != CaseChannel.AutomaticMonitor).ToList();
        var monitor = m.Cases.Values.Count(c => c.ReceivedAt >= s.WarmupEnd && c.Channel == CaseChannel.AutomaticMonitor);
        var resolved = cases.Where(c => c.Closed && !c.Unfounded && c.ClosedAt is not null).Select(c => (c.ClosedAt!.Value - c.ReceivedAt).TotalDays).OrderBy(x => x).ToArray();
        var histogram = new int[HistogramDays];
        foreach (var r in resolved) histogram[Math.Min(HistogramDays - 1, (int)Math.Floor(r))]++;
        var rated = cases.Where(c => c.Satisfaction is not null).ToList();
        var waits = m.Desks.Values.Sum(d => d.Waits);
        double Share(double part, double whole) => whole == 0 ? double.NaN : part / whole;
        var k = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["problems_arisen"] = m.ArrivalsInWindow,
            ["cases_received"] = cases.Count,
            ["found_at_visit_share"] = Share(cases.Count(c => c.Channel == CaseChannel.ContactPointVisit), cases.Count),
            ["never_reported_share"] = Share(m.NeverReportedInWindow, m.ArrivalsInWindow),
            ["unfounded_share"] = Share(cases.Count(c => c.Unfounded), cases.Count),
            ["resolved_share"] = Share(resolved.Length, cases.Count),
            ["time_to_resolve_mean_days"] = resolved.Length == 0 ? double.NaN : resolved.Average(),
            ["time_to_resolve_p50_days"] = Quantile(resolved, 0.5),
            ["time_to_resolve_p90_days"] = Quantile(resolved, 0.9),
            ["department_wait_mean_days"] = waits == 0 ? double.NaN : m.Desks.Values.Sum(d => d.WaitSumDays) / waits,
            ["department_queue_mean"] = m.Desks.Values.Sum(d => d.QueueArea) / window,
            ["open_cases_mean"] = m.OpenArea / window,
            ["escalated_share"] = Share(cases.Count(c => c.MaxLevel > 0), cases.Count),
            ["accountability_share"] = Share(cases.Count(c => c.MaxLevel >= 4), cases.Count),
            ["reopen_rate"] = Share(cases.Sum(c => c.Reopens), cases.Count),
            ["satisfaction_mean"] = rated.Count == 0 ? double.NaN : rated.Average(c => c.Satisfaction!.Value),
            ["inspection_burden_cases"] = monitor,
            ["inspections_per_enterprise_quarter"] = district.InspectionsPerEnterpriseQuarter ?? double.NaN,
            ["supervisor_utilisation"] = district.SupervisorUtilisation ?? double.NaN,
            ["good_faith_declarations"] = m.GoodFaith,
        };
        return (k, histogram);
    }

    /// <summary>Nearest-rank quantile of sorted values (NaN when empty).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
