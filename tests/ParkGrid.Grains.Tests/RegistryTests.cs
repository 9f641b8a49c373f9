namespace ParkGrid.Grains.Tests;

public class RegistryTests
{
    [Fact]
    public void Configured_districts_are_listed_once_each()
    {
        var w = new World(Day.At(2025, 9, 26, 10)).Setup().Setup(district: "siming", park: "siming-software", prefix: "sm", departments: ["siming-approval"]);
        w.Run(g => g.GetGrain<IDistrictGrain>(World.District).Configure(new DistrictSetup("again"))); // configuring twice lists it once
        Assert.Equal(["siming", World.District], w.Run(g => g.GetGrain<IRegistryGrain>(RegistryGrain.Root).ListDistricts()).Order(StringComparer.Ordinal));
    }
}
