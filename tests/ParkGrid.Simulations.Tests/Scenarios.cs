namespace ParkGrid.Simulations.Tests;

internal static class Scenarios
{
    public static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.Directory.Exists(Path.Combine(dir.FullName, "simulations", "scenarios"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("simulations/scenarios not found"), "simulations", "scenarios");
        }
    }

    public static Scenario Load(string name) => ScenarioLoader.LoadFile(Path.Combine(Directory, name));
}
