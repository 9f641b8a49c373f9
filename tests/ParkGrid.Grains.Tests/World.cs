using System.Text.Json;
using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Policies;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Grains.Tests;

/// <summary>
/// A deterministic host with ParkGrid's grains and a small district: "xiangan" with park "xiangan-digital",
/// enterprises xa-0001… and departments. Every call runs the work that is due at the current virtual instant before and
/// after it (case reports go out in a turn of their own), so reads see what the commands caused.
/// </summary>
internal sealed class World : IDisposable
{
    public const string District = "xiangan";
    public const string Park = "xiangan-digital";
    public static readonly string[] Departments = ["approval", "finance", "ecology", "market"];

    public World(Instant start, ParkGridServices? services = null, Action<GrainHostBuilder>? configure = null)
    {
        var builder = new GrainHostBuilder();
        ParkGridGrains.AddTo(builder, services ?? new ParkGridServices());
        configure?.Invoke(builder);
        Host = builder.BuildDeterministic(start);
    }

    public DeterministicHost Host { get; }
    public IGrainFactory Grains => Host.GrainFactory;
    public Instant Now => Host.Now;

    /// <summary>Sets up the district with <paramref name="policy"/>, its park, departments and enterprises.</summary>
    public World Setup(Policy? policy = null, int enterprises = 3, string district = District, string park = Park, string prefix = "xa", string[]? departments = null)
    {
        Run(async g =>
        {
            var d = g.GetGrain<IDistrictGrain>(district);
            await d.Configure(new DistrictSetup(district + " district", ["sup-wang", "sup-li"], policy));
            await d.AddPark(park, park + " park");
            foreach (var dept in departments ?? Departments) await d.AddDepartment(dept, dept);
            for (var i = 1; i <= enterprises; i++)
                await g.GetGrain<IEnterpriseGrain>($"{prefix}-{i:0000}").Register(new EnterpriseProfile(park, $"enterprise {i}", "electronics"));
        });
        return this;
    }

    public T Run<T>(Func<IGrainFactory, Task<T>> driver)
    {
        Host.RunReady();
        var result = Host.Run(() => driver(Grains));
        Host.RunReady();
        return result;
    }

    public void Run(Func<IGrainFactory, Task> driver)
    {
        Host.RunReady();
        Host.Run(() => driver(Grains));
        Host.RunReady();
    }

    public void AdvanceTo(Instant instant) => Host.AdvanceTo(instant);
    public void AdvanceBy(Duration duration) => Host.AdvanceBy(duration);

    /// <summary>Advances to a Shanghai wall-clock time.</summary>
    public void AdvanceTo(int y, int m, int d, int h = 0, int min = 0) => Host.AdvanceTo(ChinaTime.At(y, m, d, h, min));

    public ICaseGrain Case(string id) => Grains.GetGrain<ICaseGrain>(id);
    public CaseSnapshot CaseSnapshot(string id) => Run(g => g.GetGrain<ICaseGrain>(id).GetSnapshot());
    public IParkGrain ParkGrain(string id = Park) => Grains.GetGrain<IParkGrain>(id);
    public IDistrictGrain DistrictGrain(string id = District) => Grains.GetGrain<IDistrictGrain>(id);
    public IDepartmentGrain Department(string id) => Grains.GetGrain<IDepartmentGrain>(id);
    public IEnterpriseGrain Enterprise(string id) => Grains.GetGrain<IEnterpriseGrain>(id);

    /// <summary>Verifies and substantiates the case and assigns it to <paramref name="department"/>, whose deadline clock starts.</summary>
    public static async Task<CaseSnapshot> BringToAssignment(ICaseGrain c, string department, string supervisor = "sup-wang")
    {
        await c.StartVerification(supervisor);
        await c.Substantiate(supervisor, null);
        return await c.Assign(supervisor, department);
    }

    /// <summary>Verifies and substantiates the case, assigns it to <paramref name="department"/>, which starts rectifying it.</summary>
    public static async Task<CaseSnapshot> BringToRectification(ICaseGrain c, string department, string supervisor = "sup-wang")
    {
        await BringToAssignment(c, department, supervisor);
        return await c.StartRectification(department);
    }

    /// <summary>Files a hotline clue at the current instant.</summary>
    public CaseSnapshot File(string caseId, ParkGrid.Domain.Cases.CaseCategory category, string enterprise = "xa-0001", string park = Park, string? accused = null) =>
        Run(g => g.GetGrain<ICaseGrain>(caseId).Receive(new FileCase(ParkGrid.Domain.Cases.CaseChannel.Hotline12345, category, enterprise, park, "clerk-zhao", AccusedCadreId: accused)));

    public void Dispose() => Host.Dispose();

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, ParkGridJson.Options);
}

internal static class Day
{
    public static LocalDate D(int y, int m, int d) => new(y, m, d);
    public static Instant At(int y, int m, int d, int h = 0, int min = 0) => ChinaTime.At(y, m, d, h, min);
}
