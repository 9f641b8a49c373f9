using ParkGrid.Silo;

await using var silo = await SiloApp.CreateAsync(args);
await silo.App.StartAsync();
var url = silo.Urls.FirstOrDefault() ?? SiloApp.DefaultUrl;
Console.WriteLine($"""
    ParkGrid silo
      listening on  {string.Join(", ", silo.Urls)}
      store         {silo.Store.Describe()}
      dashboard     {url}/
      OpenAPI       {url}/openapi/v1.json
      calendar      Chinese working days 2020–2026 as published; later years count weekends only until their schedule is loaded
    Press Ctrl-C to stop (grains are deactivated and their state flushed first).
    """);
await silo.App.WaitForShutdownAsync();
