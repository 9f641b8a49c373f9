using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ParkGrid.Client;
using ParkGrid.Grains;
using ParkGrid.Silo;
using Xunit;

namespace ParkGrid.Cli.Tests;

/// <summary>
/// A silo that serves only the generic grain gateway (as before the domain routes existed): its /api/parks,
/// /api/clues, /api/cases and /api/events answer a bare 404. The CLI then goes through the typed grain proxies.
/// </summary>
public sealed class GatewayOnlySiloFixture : IAsyncLifetime
{
    private static readonly string[] DomainRoutes = ["/api/parks", "/api/clues", "/api/cases", "/api/events", "/api/districts"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("parkgrid-cli-old-").FullName;
    public ParkGrid.Silo.Silo Silo { get; private set; } = null!;
    public string Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await SiloApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--store", Path.Combine(Directory, "silo.db")]);
        Silo.App.Use(async (context, next) =>
        {
            if (DomainRoutes.Any(r => context.Request.Path.StartsWithSegments(r))) context.Response.StatusCode = StatusCodes.Status404NotFound;
            else await next(context);
        });
        await Silo.App.StartAsync();
        Address = Silo.Urls.Single();
        using var client = await ParkGridClient.ConnectAsync(new Uri(Address + "/"));
        await client.GetGrain<IDistrictGrain>(CliFixture.District).Configure(new DistrictSetup("翔安区"));
        await client.GetGrain<IDistrictGrain>(CliFixture.District).AddPark(CliFixture.Park, CliFixture.ParkName);
        await client.GetGrain<IDistrictGrain>(CliFixture.District).AddDepartment("ecology", "生态环境局");
    }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--silo", Address], stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

public class FallbackTests(GatewayOnlySiloFixture silo) : IClassFixture<GatewayOnlySiloFixture>
{
    [Fact]
    public async Task Without_the_domain_routes_cases_are_filed_shown_acted_on_and_listed_through_typed_proxies()
    {
        var file = await silo.RunAsync("case", "file", "--channel", "Report12388", "--category", "DemandingFavours",
            "--enterprise", "xa-0100", "--park", CliFixture.Park, "--actor", "12388-desk");
        Assert.True(file.ExitCode == 0, file.ToString());
        var id = file.Out.Trim();
        Assert.StartsWith(CliFixture.Park + ":case-", id); // placed with its park in a cluster

        var show = await silo.RunAsync("case", "show", id, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        using (var doc = JsonDocument.Parse(show.Out))
            Assert.Equal("Received", doc.RootElement.GetProperty("record").GetProperty("status").GetString());

        var refused = await silo.RunAsync("case", "act", id, "start-rectification", "--actor", "sup-1");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("Received", refused.Error);
        Assert.Contains("StartRectification", refused.Error);

        foreach (var step in new[] { new[] { "start-verification" }, ["substantiate", "--note", "属实"], ["assign", "--department", "ecology"] })
        {
            var act = await silo.RunAsync(["case", "act", id, .. step, "--actor", "sup-1"]);
            Assert.True(act.ExitCode == 0, act.ToString());
        }
        var assigned = await silo.RunAsync("case", "show", id);
        Assert.Contains("Assigned", assigned.Out);
        Assert.Contains("ecology", assigned.Out);

        CliRun list = null!;
        for (var i = 0; i < 50; i++)
        {
            list = await silo.RunAsync("cases", "--park", CliFixture.Park, "--status", "Assigned");
            if (list.Out.Contains(id)) break;
            await Task.Delay(100);
        }
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);

        var noPark = await silo.RunAsync("cases");
        Assert.True(noPark.ExitCode == 4, noPark.ToString());
        Assert.Contains("--park", noPark.Error);
    }

    [Fact]
    public async Task Without_the_domain_routes_parks_come_from_the_registry_and_unknown_things_are_4()
    {
        var parks = await silo.RunAsync("parks");
        Assert.True(parks.ExitCode == 0, parks.ToString());
        Assert.Contains(CliFixture.Park, parks.Out);
        Assert.Contains(CliFixture.ParkName, parks.Out);

        var park = await silo.RunAsync("park", CliFixture.Park);
        Assert.True(park.ExitCode == 0, park.ToString());
        Assert.Contains(CliFixture.ParkName, park.Out);

        Assert.Equal(4, (await silo.RunAsync("park", "no-such-park")).ExitCode);
        Assert.Equal(4, (await silo.RunAsync("case", "show", "no-such-case")).ExitCode);
        var watch = await silo.RunAsync("watch", "--count", "1");
        Assert.Equal(4, watch.ExitCode);
        Assert.Contains("/api/events", watch.Error);

        var unknownPark = await silo.RunAsync("case", "file", "--channel", "QrCode", "--category", "Financing", "--enterprise", "e", "--park", "no-such-park");
        Assert.True(unknownPark.ExitCode == 1, unknownPark.ToString());
        Assert.Contains("no-such-park", unknownPark.Error);
    }
}
