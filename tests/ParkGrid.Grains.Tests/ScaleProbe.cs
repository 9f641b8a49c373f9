using System.Diagnostics;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using Xunit.Abstractions;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>A test that only runs when PARKGRID_PROBE=1 (measurements, not assertions).</summary>
public sealed class ProbeFactAttribute : FactAttribute
{
    public ProbeFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PARKGRID_PROBE") != "1") Skip = "Measurement probe: run with PARKGRID_PROBE=1 (and -c Release).";
    }
}

/// <summary>
/// A virtual year of a 5,000-enterprise district on the deterministic host, to see where time goes. Pessimistic on
/// purpose: nobody handles a case, so every case climbs the whole ladder and stays in its park's open-case index.
/// PARKGRID_PROBE_STORAGE=reference keeps state objects without JSON; =counting reports JSON writes per state;
/// PARKGRID_PROBE_NO_COLLECTION=1 keeps every activation alive (no idle collection, so no write-back at deactivation).
/// </summary>
public class ScaleProbe(ITestOutputHelper output)
{
    [ProbeFact]
    public void A_virtual_year_of_5000_enterprises()
    {
        const int parks = 10, perPark = 500, perCp = 25;
        var counting = new CountingStorage();
        var storage = Environment.GetEnvironmentVariable("PARKGRID_PROBE_STORAGE");
        using var w = new World(At(2025, 1, 6, 8), new ParkGridServices(OutOfRangeBehavior.AssumeWeekendsOnly), b =>
        {
            if (storage == "reference") b.UseStorage(new ReferenceStorage());
            else if (storage == "counting") b.UseStorage(counting);
            if (Environment.GetEnvironmentVariable("PARKGRID_PROBE_NO_COLLECTION") == "1") b.Configure(o => o.CollectionAge = NodaTime.Duration.FromDays(400));
        });
        var sw = Stopwatch.StartNew();
        w.Run(async g =>
        {
            var d = g.GetGrain<IDistrictGrain>("d");
            await d.Configure(new DistrictSetup("d", [], Policy.Default with { JointInspection = true }));
            foreach (var dep in new[] { "eco", "mkt", "fire" }) await d.AddDepartment(dep, dep);
            for (var p = 0; p < parks; p++)
            {
                await d.AddPark($"p{p}", "p");
                for (var e = 0; e < perPark; e++) await g.GetGrain<IEnterpriseGrain>($"p{p}-e{e}").Register(new EnterpriseProfile($"p{p}", "e"));
                for (var c = 0; c < perPark / perCp; c++)
                    await g.GetGrain<IContactPointGrain>($"p{p}-cp{c}").Configure(new ContactPointSetup($"p{p}", $"p{p}-e{c * perCp}", "l", "s",
                        Enumerable.Range(c * perCp, perCp).Select(i => $"p{p}-e{i}").ToArray()));
            }

            var random = new Random(1);
            foreach (var dep in new[] { "eco", "mkt", "fire" })
                await g.GetGrain<IDepartmentGrain>(dep).PlanInspections(Enumerable.Range(0, parks * perPark).SelectMany(i =>
                    new[] { 1, 4, 7, 10 }.Select(m => new PlannedInspection($"p{i / perPark}-e{i % perPark}", D(2025, m, 1 + random.Next(27))))).ToArray());
        });
        output.WriteLine($"setup: {sw.Elapsed}, {w.Host.TurnsExecuted} turns");

        var arrivals = new Random(2);
        var before = w.Host.TurnsExecuted;
        sw.Restart();
        for (var week = 0; week < 52; week++)
        {
            // Each week 1% of enterprises develop a latent problem (found at visits) and 0.2% call 12345.
            w.Run(async g =>
            {
                for (var i = 0; i < parks * perPark; i++)
                {
                    var r = arrivals.NextDouble();
                    var e = g.GetGrain<IEnterpriseGrain>($"p{i / perPark}-e{i % perPark}");
                    if (r < 0.01) await e.ReportProblem(new ProblemReport(CaseCategory.SlowApproval));
                    else if (r < 0.012) await e.ReportProblem(new ProblemReport(CaseCategory.Financing, Channel: CaseChannel.Hotline12345));
                }
            });
            w.AdvanceBy(NodaTime.Duration.FromDays(7));
        }

        var turns = w.Host.TurnsExecuted - before;
        output.WriteLine($"year: {sw.Elapsed}, {turns} turns, {turns / sw.Elapsed.TotalSeconds:F0} turns/s");
        foreach (var (name, s) in counting.Stats.OrderByDescending(x => x.Value.Ms))
            output.WriteLine($"  {name}: {s.Writes} writes, {s.Bytes / Math.Max(1, s.Writes)} B average, {s.Ms:F0} ms");
        var k = w.Run(g => g.GetGrain<IDistrictGrain>("d").GetKpis());
        output.WriteLine($"cases {k.Cases}, open {k.OpenCases}, visits per enterprise-quarter {k.InspectionsPerEnterpriseQuarter} (raw {k.RawInspectionsPerEnterpriseQuarter}), supervisor utilisation {k.SupervisorUtilisation}, escalations {k.Escalations}");
    }
}
