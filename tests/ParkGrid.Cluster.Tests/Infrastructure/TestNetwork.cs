using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Cluster.Tests.Infrastructure;

/// <summary>A district with departments and several parks whose enterprises use "park:NNN" keys (placed with their park).</summary>
public static class TestNetwork
{
    public const string District = "cluster-district";
    public static readonly string[] Departments = ["industry", "finance", "ecology", "approval", "market"];

    public static string Park(int p) => $"cluster-park-{p}";
    public static string Enterprise(int p, int n) => $"{Park(p)}:{n:000}";

    public static async Task CreateAsync(IGrainFactory grains, int parks, int enterprisesPerPark)
    {
        var district = grains.GetGrain<IDistrictGrain>(District);
        await district.Configure(new DistrictSetup("集群测试区 Cluster test district", ["sup-a", "sup-b"], null, "test"));
        foreach (var d in Departments) await district.AddDepartment(d, d);
        for (var p = 0; p < parks; p++)
        {
            await district.AddPark(Park(p), $"园区 {p}");
            for (var n = 0; n < enterprisesPerPark; n++)
                await grains.GetGrain<IEnterpriseGrain>(Enterprise(p, n)).Register(new EnterpriseProfile(Park(p), $"企业 {p}-{n}", "electronics"));
        }
    }

    public static FileCase Clue(int p, int n, int i) =>
        new(CaseChannel.Hotline12345, (CaseCategory)(i % 5), Enterprise(p, n), Park(p), "cluster-test", $"problem {i}");
}
