using Microsoft.Playwright;
using ParkGrid.Grains;
using ParkGrid.Silo;
using Xunit;

namespace ParkGrid.Dashboard.Tests;

/// <summary>
/// A silo with a small known network, and Debian's Chromium driven by Playwright (its own browser download
/// cannot work here). Chromium is required: .ci/run installs it; without it these tests fail, they never skip.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string District = "dash-district";
    public static readonly string[] Parks = ["dash-park-a", "dash-park-b"];
    private string _directory = "";

    public ParkGrid.Silo.Silo Silo { get; private set; } = null!;
    public string Url { get; private set; } = "";
    public HttpClient Http { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("PARKGRID_CHROMIUM") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: apt-get install -y chromium (or set PARKGRID_CHROMIUM).");
        _directory = Directory.CreateTempSubdirectory("parkgrid-dashboard-").FullName;
        Silo = await SiloApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--store", Path.Combine(_directory, "silo.db")]);
        await Silo.App.StartAsync();
        Url = Silo.Urls.Single();
        Http = new HttpClient { BaseAddress = new Uri(Url + "/") };

        var g = Silo.GrainFactory;
        var district = g.GetGrain<IDistrictGrain>(District);
        await district.Configure(new DistrictSetup("Dashboard district 测试区", ["sup-a"]));
        await district.AddDepartment("dash-approval", "Approval");
        foreach (var park in Parks)
        {
            await district.AddPark(park, $"Park {park[^1..].ToUpperInvariant()}");
            for (var i = 1; i <= 3; i++)
                await g.GetGrain<IEnterpriseGrain>($"{park}-e{i}").Register(new EnterpriseProfile(park, $"Enterprise {i} of {park}"));
        }

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<IPage> OpenDashboardAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(Url + "/");
        await page.WaitForSelectorAsync("#connection.on", new PageWaitForSelectorOptions { Timeout = 15000 });
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        Http.Dispose();
        await Silo.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
