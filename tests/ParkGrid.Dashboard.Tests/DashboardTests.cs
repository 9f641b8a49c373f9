using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace ParkGrid.Dashboard.Tests;

public class DashboardTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    private async Task<string> FileClueAsync(string park, string summary)
    {
        using var response = await fx.Http.PostAsJsonAsync("api/clues", new { channel = "QrCode", category = "SlowApproval", enterpriseId = $"{park}-e1", summary });
        response.EnsureSuccessStatusCode();
        var caseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetString()!;
        // Parks and the district learn of the case from its outbox, after the filing returned: wait for that delivery,
        // so that the gateway's figures and the page's agree whenever each is read.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await fx.Http.GetFromJsonAsync<JsonElement>($"api/cases/{caseId}")).GetProperty("pendingDelivery").GetArrayLength() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"case {caseId} did not deliver its reports within 10 s");
            await Task.Delay(20);
        }
        return caseId;
    }

    private static async Task<string> TileAsync(IPage page, string kpi) => (await page.Locator($"[data-kpi=\"{kpi}\"] b").InnerTextAsync()).Trim();

    [Fact]
    public async Task The_kpi_tiles_and_park_table_show_what_the_gateway_says()
    {
        await FileClueAsync(DashboardFixture.Parks[0], "tile check");
        var page = await fx.OpenDashboardAsync();
        var kpis = await fx.Http.GetFromJsonAsync<JsonElement>($"api/districts/{DashboardFixture.District}/kpis");
        var expectedOpen = kpis.GetProperty("openCases").GetInt32().ToString();
        await Assertions.Expect(page.Locator("[data-kpi=\"open-cases\"] b")).ToHaveTextAsync(expectedOpen, new() { Timeout = 10000 });
        Assert.Equal(kpis.GetProperty("openOverdueCases").GetInt32().ToString(), await TileAsync(page, "overdue-cases"));

        var parks = await fx.Http.GetFromJsonAsync<JsonElement>("api/parks");
        var rows = page.Locator("#parks tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(parks.GetArrayLength(), new() { Timeout = 10000 });
        foreach (var park in parks.EnumerateArray())
        {
            var row = page.Locator("#parks tbody tr", new() { HasText = park.GetProperty("name").GetString()! });
            Assert.Equal(park.GetProperty("openCases").GetInt32().ToString(), (await row.Locator("td").Nth(3).InnerTextAsync()).Trim());
        }
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_live_feed_shows_a_clue_filed_through_the_api_within_seconds()
    {
        var page = await fx.OpenDashboardAsync();
        var caseId = await FileClueAsync(DashboardFixture.Parks[1], "live feed check");
        await Assertions.Expect(page.Locator("#feed li", new() { HasText = caseId })).ToBeVisibleAsync(new() { Timeout = 10000 });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Drill_down_goes_from_a_park_to_a_case_and_its_history()
    {
        var caseId = await FileClueAsync(DashboardFixture.Parks[0], "drill-down check");
        var page = await fx.OpenDashboardAsync();
        await page.Locator("#parks tbody tr", new() { HasText = "Park A" }).ClickAsync();
        await Assertions.Expect(page.Locator("#drill-title")).ToHaveTextAsync("Park A");
        await page.Locator("#park-cases tr", new() { HasText = caseId }).ClickAsync();
        await Assertions.Expect(page.Locator("#drill-title")).ToContainTextAsync(caseId);
        await Assertions.Expect(page.Locator("#case-history li").First).ToContainTextAsync("Receive");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_runtime_panel_shows_activations_and_tables_sort()
    {
        var page = await fx.OpenDashboardAsync();
        await Assertions.Expect(page.Locator("#methods tbody tr").First).ToBeVisibleAsync(new() { Timeout = 10000 });
        var activations = int.Parse((await page.Locator("[data-stat=\"activations\"] b").InnerTextAsync()).Replace(",", ""));
        Assert.True(activations > 0);
        await page.Locator("#methods th[data-key=\"calls\"]").ClickAsync();
        await Assertions.Expect(page.Locator("#methods th[data-key=\"calls\"]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("sorted-asc"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_page_fits_a_1280_pixel_screen()
    {
        var page = await fx.OpenDashboardAsync();
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 1280, $"the page is {width}px wide at a 1280px viewport");
        await page.CloseAsync();
    }
}
