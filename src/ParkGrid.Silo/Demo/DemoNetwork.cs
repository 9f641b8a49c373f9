using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Silo.Demo;

/// <summary>
/// A small Xiang'an-like network for <c>--demo</c>: one district, two parks, 300 enterprises, five departments
/// and contact points that visit them. Created once per store (a second start finds it there).
/// </summary>
public static class DemoNetwork
{
    public const string District = "xiangan";
    public static readonly (string Id, string Name)[] Parks = [("xiangan-digital", "翔安数字经济产业园 Digital Economy Park"), ("xiangan-airport", "翔安航空港工业园 Airport Industrial Park")];
    public static readonly (string Id, string Name)[] Departments =
    [
        ("industry", "工信局 Industry and IT"), ("finance", "财政局 Finance"), ("ecology", "生态环境局 Ecology and Environment"),
        ("approval", "行政审批局 Administrative Approval"), ("market", "市场监管局 Market Regulation"),
    ];
    private static readonly string[] Industries = ["electronics", "new energy", "biomedicine", "aviation", "semiconductors", "logistics"];
    public const int EnterprisesPerPark = 150;
    public const int EnterprisesPerContactPoint = 15;

    /// <summary>"park:NNN": in a cluster, a key "group:rest" is placed with its group, so a park's enterprises live beside it.</summary>
    public static string EnterpriseId(int park, int n) => $"{Parks[park].Id}:{n:000}";

    /// <summary>Creates the network unless the district exists already; returns whether it was created.</summary>
    public static async Task<bool> EnsureAsync(IGrainFactory grains, Action<string>? progress = null)
    {
        if ((await grains.GetGrain<IRegistryGrain>(RegistryGrain.Root).ListDistricts()).Contains(District)) return false;
        var district = grains.GetGrain<IDistrictGrain>(District);
        await district.Configure(new DistrictSetup("翔安区 Xiang'an District", ["sup-chen", "sup-lin", "sup-wu", "sup-zheng"], null, "demo"));
        foreach (var (id, name) in Departments) await district.AddDepartment(id, name);
        for (var p = 0; p < Parks.Length; p++)
        {
            var (parkId, parkName) = Parks[p];
            await district.AddPark(parkId, parkName);
            for (var n = 1; n <= EnterprisesPerPark; n++)
                await grains.GetGrain<IEnterpriseGrain>(EnterpriseId(p, n)).Register(
                    new EnterpriseProfile(parkId, $"{parkName.Split(' ')[0]} 企业 {n:000}", Industries[n % Industries.Length], AboveDesignatedSize: n % 4 != 0));
            for (var cp = 0; cp < EnterprisesPerPark / EnterprisesPerContactPoint; cp++)
            {
                var covered = Enumerable.Range(cp * EnterprisesPerContactPoint + 1, EnterprisesPerContactPoint).Select(n => EnterpriseId(p, n)).ToList();
                await grains.GetGrain<IContactPointGrain>($"{parkId}:cp{cp + 1:00}").Configure(
                    new ContactPointSetup(parkId, covered[0], $"liaison-{p + 1}-{cp + 1}", $"sup-{(cp % 2 == 0 ? "chen" : "lin")}", covered));
            }
            progress?.Invoke($"demo park {parkId}: {EnterprisesPerPark} enterprises, {EnterprisesPerPark / EnterprisesPerContactPoint} contact points");
        }
        return true;
    }
}
