using System.Diagnostics;
using System.Globalization;
using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using ParkGrid.Grains;
using ParkGrid.Grains.Benchmarks;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Storage;

// A virtual year of a 5,000-enterprise district on the deterministic host, to see where the domain grains' time goes:
//   dotnet run -c Release --project tests/ParkGrid.Grains.Benchmarks -- [--storage json|reference|counting] [--no-collection]
// json: the runtime's MemoryGrainStorage (JSON on every write, the default); reference: ReferenceGrainStorage (state kept by
// reference, as simulations do); counting: JSON, with writes, bytes and serialisation time per state. --no-collection
// keeps every activation alive (no idle collection, so no write-back at deactivation).
// Pessimistic on purpose: nobody handles a case, so every case climbs the whole escalation ladder and stays open.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var storageName = args.SkipWhile(a => a != "--storage").Skip(1).FirstOrDefault() ?? "json";
if (storageName is not ("json" or "reference" or "counting"))
{
    Console.Error.WriteLine($"--storage must be json, reference or counting (it is '{storageName}').");
    return 2;
}

const int parks = 10, perPark = 500, perContactPoint = 25;
var counting = new CountingStorage();
var builder = new GrainHostBuilder();
ParkGridGrains.AddTo(builder, new ParkGridServices(OutOfRangeBehavior.AssumeWeekendsOnly));
if (storageName == "reference") builder.UseStorage(new ReferenceGrainStorage());
else if (storageName == "counting") builder.UseStorage(counting);
if (args.Contains("--no-collection")) builder.Configure(o => o.CollectionAge = Duration.FromDays(400));
using var host = builder.BuildDeterministic(ChinaTime.At(2025, 1, 6, 8));

void Run(Func<ParkGrid.Runtime.IGrainFactory, Task> driver)
{
    host.RunReady();
    host.Run(() => driver(host.GrainFactory));
    host.RunReady();
}

Console.WriteLine($"ParkGrid grains at district scale: {parks} parks × {perPark} enterprises, 3 departments inspecting quarterly, " +
                  $"joint inspection, storage {storageName}{(args.Contains("--no-collection") ? ", no idle collection" : "")}; .NET {Environment.Version}");
var watch = Stopwatch.StartNew();
Run(async g =>
{
    var district = g.GetGrain<IDistrictGrain>("d");
    await district.Configure(new DistrictSetup("d", [], Policy.Default with { JointInspection = true }));
    foreach (var department in new[] { "eco", "mkt", "fire" }) await district.AddDepartment(department, department);
    for (var p = 0; p < parks; p++)
    {
        await district.AddPark($"p{p}", "p");
        for (var e = 0; e < perPark; e++) await g.GetGrain<IEnterpriseGrain>($"p{p}-e{e}").Register(new EnterpriseProfile($"p{p}", "e"));
        for (var c = 0; c < perPark / perContactPoint; c++)
            await g.GetGrain<IContactPointGrain>($"p{p}-cp{c}").Configure(new ContactPointSetup($"p{p}", $"p{p}-e{c * perContactPoint}", "l", "s",
                Enumerable.Range(c * perContactPoint, perContactPoint).Select(i => $"p{p}-e{i}").ToArray()));
    }

    var random = new Random(1);
    foreach (var department in new[] { "eco", "mkt", "fire" })
        await g.GetGrain<IDepartmentGrain>(department).PlanInspections(Enumerable.Range(0, parks * perPark).SelectMany(i =>
            new[] { 1, 4, 7, 10 }.Select(m => new PlannedInspection($"p{i / perPark}-e{i % perPark}", new LocalDate(2025, m, 1 + random.Next(27))))).ToArray());
});
Console.WriteLine($"  setup: {watch.Elapsed.TotalSeconds:0.0} s, {host.TurnsExecuted:N0} turns");

var arrivals = new Random(2);
var before = host.TurnsExecuted;
watch.Restart();
for (var week = 0; week < 52; week++)
{
    // Each week 1% of enterprises develop a latent problem (found at visits) and 0.2% call 12345.
    Run(async g =>
    {
        for (var i = 0; i < parks * perPark; i++)
        {
            var r = arrivals.NextDouble();
            var enterprise = g.GetGrain<IEnterpriseGrain>($"p{i / perPark}-e{i % perPark}");
            if (r < 0.01) await enterprise.ReportProblem(new ProblemReport(CaseCategory.SlowApproval));
            else if (r < 0.012) await enterprise.ReportProblem(new ProblemReport(CaseCategory.Financing, Channel: CaseChannel.Hotline12345));
        }
    });
    host.AdvanceBy(Duration.FromDays(7));
}

var turns = host.TurnsExecuted - before;
Console.WriteLine($"  year: {watch.Elapsed.TotalSeconds:0.0} s, {turns:N0} turns, {turns / watch.Elapsed.TotalSeconds:N0} turns/s");
foreach (var (state, s) in counting.Stats.OrderByDescending(x => x.Value.Ms))
    Console.WriteLine($"    {state}: {s.Writes:N0} writes, {s.Bytes / Math.Max(1, s.Writes):N0} B on average, {s.Ms:N0} ms serialising");
var kpis = host.Run(() => host.GrainFactory.GetGrain<IDistrictGrain>("d").GetKpis());
Console.WriteLine($"  cases {kpis.Cases:N0}, open {kpis.OpenCases:N0}, visits per enterprise-quarter {kpis.InspectionsPerEnterpriseQuarter} " +
                  $"(inspections {kpis.RawInspectionsPerEnterpriseQuarter}), supervisor utilisation {kpis.SupervisorUtilisation}");
var steps = kpis.Escalations;
Console.WriteLine($"  escalation steps {steps.Total:N0}: reminder letters {steps.ReminderLetters:N0}, supervision notices {steps.SupervisionNotices:N0}, " +
                  $"interviews {steps.Interviews:N0}, accountability referrals {steps.AccountabilityReferrals:N0}");
return 0;
