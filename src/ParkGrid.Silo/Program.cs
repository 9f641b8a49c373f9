using ParkGrid.Silo;

if (SiloArguments.WantsHelp(args))
{
    Console.WriteLine(SiloArguments.Help);
    return 0;
}
Silo silo;
try
{
    silo = await SiloApp.CreateAsync(args);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"parkgrid silo: {e.Message}");
    return 2;
}
await using var running = silo;
await silo.App.StartAsync();
var url = silo.Urls.FirstOrDefault() ?? SiloApp.DefaultUrl;
Console.WriteLine($"""
    ParkGrid silo
      listening on  {string.Join(", ", silo.Urls)}
      store         {silo.Store.Describe()}
      dashboard     {url}/
      OpenAPI       {url}/openapi/v1.json
      clock         {(silo.TimeScale != 1.0 ? $"{(silo.IsDemo ? "demo: " : "")}{silo.TimeScale:0.##} virtual seconds per second, now {silo.Host.Runtime.Clock.GetCurrentInstant()}" : "wall clock")}
      cluster       {(silo.App.Services.GetService<ParkGrid.Clustering.ClusterAgent>() is { } agent ? $"{agent.Options.ClusterName} as {agent.SiloId}, advertised at {agent.Options.Address}, {agent.ServingPartitions().Count} of {agent.Options.Partitions} partitions served" : "none (this silo serves every grain)")}
      calendar      Chinese working days 2020–2026 as published; later years count weekends only until their schedule is loaded
    Press Ctrl-C to stop (grains are deactivated and their state flushed first).
    """);
await silo.App.WaitForShutdownAsync();
return 0;
