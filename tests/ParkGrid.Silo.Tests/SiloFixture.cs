using Xunit;
using ParkGrid.Client;

namespace ParkGrid.Silo.Tests;

/// <summary>A silo on a random loopback port with its own SQLite file, and a client connected to it.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("parkgrid-silo-").FullName;
    public string StorePath => Path.Combine(Directory, "silo.db");
    public Silo Silo { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ParkGridClient Client { get; private set; } = null!;

    public static async Task<Silo> StartSiloAsync(string storePath)
    {
        var silo = await SiloApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--store", storePath],
            grains => grains.AddGrain<IGatewayProbeGrain, GatewayProbeGrain>());
        await silo.App.StartAsync();
        return silo;
    }

    public async Task InitializeAsync()
    {
        Silo = await StartSiloAsync(StorePath);
        Address = new Uri(Silo.Urls.Single() + "/");
        Http = new HttpClient { BaseAddress = Address };
        Client = await ParkGridClient.ConnectAsync(Address);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Silo.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
