using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ParkGrid.Grains;
using Xunit;

namespace ParkGrid.Silo.Tests;

/// <summary>The domain routes through real HTTP, on a district set up through the cluster client.</summary>
public class DomainApiTests(SiloFixture silo) : IClassFixture<SiloFixture>, IAsyncLifetime
{
    private const string District = "api-district";
    private const string Park = "api-park";
    private const string Enterprise = "api-e-1";

    public async Task InitializeAsync()
    {
        var district = silo.Client.GetGrain<IDistrictGrain>(District);
        await district.Configure(new DistrictSetup("API district", ["sup-a"]));
        await district.AddPark(Park, "API park");
        await district.AddDepartment("api-approval", "Approval");
        await silo.Client.GetGrain<IEnterpriseGrain>(Enterprise).Register(new EnterpriseProfile(Park, "Enterprise one"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> FileAsync(string summary = "approval stuck for weeks")
    {
        using var response = await silo.Http.PostAsJsonAsync("api/clues", new { channel = "Hotline12345", category = "SlowApproval", enterpriseId = Enterprise, summary, reporterContact = "138-0000-0000" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var caseId = body.GetProperty("caseId").GetString()!;
        Assert.Equal($"/api/cases/{caseId}", response.Headers.Location?.ToString());
        return caseId;
    }

    /// <summary>The case record (status, clocks, history): what a request may change. The snapshot around it also
    /// shows the outbox's delivery progress, which moves on by itself.</summary>
    private async Task<string> RecordAsync(string caseId) =>
        (await silo.Http.GetFromJsonAsync<JsonElement>($"api/cases/{caseId}")).GetProperty("record").GetRawText();

    /// <summary>Waits until the case has told its park, enterprise and others (its outbox is empty).</summary>
    private async Task SettledAsync(string caseId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await silo.Http.GetFromJsonAsync<JsonElement>($"api/cases/{caseId}")).GetProperty("pendingDelivery").GetArrayLength() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"case {caseId} did not deliver its reports");
            await Task.Delay(20);
        }
    }

    private async Task<HttpResponseMessage> ActAsync(string caseId, string action, object body) =>
        await silo.Http.PostAsJsonAsync($"api/cases/{caseId}/actions/{action}", body);

    [Fact]
    public async Task A_clue_is_filed_read_and_moved_through_its_lifecycle()
    {
        var caseId = await FileAsync();
        (await ActAsync(caseId, "start-verification", new { actor = "sup-a" })).EnsureSuccessStatusCode();
        (await ActAsync(caseId, "substantiate", new { actor = "sup-a", finding = "true" })).EnsureSuccessStatusCode();
        using var assigned = await ActAsync(caseId, "assign", new { actor = "sup-a", departmentId = "api-approval" });
        assigned.EnsureSuccessStatusCode();

        var snapshot = await silo.Http.GetFromJsonAsync<JsonElement>($"api/cases/{caseId}");
        var record = snapshot.GetProperty("record");
        Assert.Equal("Assigned", record.GetProperty("status").GetString());
        var history = record.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["Receive", "StartVerification", "Substantiate", "Assign"], history);
        Assert.DoesNotContain("138-0000-0000", snapshot.GetRawText()); // the reporter's contact stays with supervisors

        // The park learns of status changes from the case's outbox, so its list catches up once delivery is done.
        await SettledAsync(caseId);
        var open = await silo.Http.GetFromJsonAsync<JsonElement>($"api/cases?park={Park}&status=Assigned");
        Assert.Contains(open.EnumerateArray(), c => c.GetProperty("caseId").GetString() == caseId);
    }

    [Fact]
    public async Task An_illegal_action_is_refused_naming_the_state_and_action_and_changes_nothing()
    {
        var caseId = await FileAsync();
        var before = await RecordAsync(caseId);
        using var response = await ActAsync(caseId, "resolve", new { actor = "sup-a", score = 90 });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("Received", detail);
        Assert.Contains("Resolve", detail);
        Assert.Equal(before, await RecordAsync(caseId));
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        // route, body, status, field
        { "api/clues", "{\"channel\":\"Fax\",\"category\":\"SlowApproval\",\"enterpriseId\":\"api-e-1\"}", HttpStatusCode.BadRequest, "channel" },
        { "api/clues", "{\"channel\":\"QrCode\",\"category\":\"Bribes\",\"enterpriseId\":\"api-e-1\"}", HttpStatusCode.BadRequest, "category" },
        { "api/clues", "{\"channel\":\"QrCode\",\"category\":\"SlowApproval\"}", HttpStatusCode.BadRequest, "enterpriseId" },
        { "api/clues", "{\"channel\":\"QrCode\",\"category\":\"SlowApproval\",\"enterpriseId\":\"nobody\"}", HttpStatusCode.NotFound, "enterpriseId" },
        { "api/clues", "{\"channel\":\"QrCode\",\"category\":\"SlowApproval\",\"enterpriseId\":\"api-e-1\",\"parkId\":\"elsewhere\"}", HttpStatusCode.BadRequest, "parkId" },
        { "api/clues", "{\"channel\":\"QrCode\",\"category\":\"SlowApproval\",\"enterpriseId\":\"api-e-1\",\"summary\":42}", HttpStatusCode.BadRequest, "summary" },
        { "api/clues", "{\"channel\":\"QrCode\",", HttpStatusCode.BadRequest, "body" },
        { "api/clues", "[1,2]", HttpStatusCode.BadRequest, "body" },
        { "api/cases/{case}/actions/start-verification", "{}", HttpStatusCode.BadRequest, "actor" },
        { "api/cases/{case}/actions/assign", "{\"actor\":\"sup-a\"}", HttpStatusCode.BadRequest, "departmentId" },
        { "api/cases/{case}/actions/resolve", "{\"actor\":\"sup-a\",\"score\":101}", HttpStatusCode.BadRequest, "score" },
        { "api/cases/{case}/actions/explode", "{\"actor\":\"sup-a\"}", HttpStatusCode.NotFound, "action" },
        { "api/cases/no-such-case/actions/start-verification", "{\"actor\":\"sup-a\"}", HttpStatusCode.NotFound, "id" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_problem_naming_the_field_and_writes_nothing(string route, string body, HttpStatusCode status, string field)
    {
        var caseId = await FileAsync();
        await SettledAsync(caseId);
        var caseBefore = await RecordAsync(caseId);
        var parkBefore = (await silo.Http.GetFromJsonAsync<JsonElement>($"api/parks/{Park}")).GetProperty("park").GetProperty("casesTotal").GetInt32();

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await silo.Http.PostAsync(route.Replace("{case}", caseId), content);
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());

        Assert.Equal(caseBefore, await RecordAsync(caseId));
        var parkAfter = (await silo.Http.GetFromJsonAsync<JsonElement>($"api/parks/{Park}")).GetProperty("park").GetProperty("casesTotal").GetInt32();
        Assert.Equal(parkBefore, parkAfter);
    }

    [Fact]
    public async Task Unknown_ids_and_filters_are_named()
    {
        using var park = await silo.Http.GetAsync("api/parks/no-such-park");
        Assert.Equal(HttpStatusCode.NotFound, park.StatusCode);
        using var caseResponse = await silo.Http.GetAsync("api/cases/no-such-case");
        Assert.Equal(HttpStatusCode.NotFound, caseResponse.StatusCode);
        using var filter = await silo.Http.GetAsync("api/cases?status=Lost");
        Assert.Equal(HttpStatusCode.BadRequest, filter.StatusCode);
        Assert.Contains("Verifying", (await filter.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Parks_are_listed_with_their_counts()
    {
        await SettledAsync(await FileAsync());
        var parks = await silo.Http.GetFromJsonAsync<JsonElement>("api/parks");
        var park = parks.EnumerateArray().Single(p => p.GetProperty("id").GetString() == Park);
        Assert.Equal(1, park.GetProperty("enterprises").GetInt32());
        Assert.True(park.GetProperty("casesTotal").GetInt32() >= 1);
        var one = await silo.Http.GetFromJsonAsync<JsonElement>($"api/parks/{Park}");
        Assert.True(one.GetProperty("kpis").ValueKind == JsonValueKind.Object);
    }

    [Fact]
    public async Task The_event_stream_delivers_a_clue_filed_through_the_api()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        using var response = await silo.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("event: connected", await reader.ReadLineAsync(cts.Token)); // subscribed before filing

        var caseId = await FileAsync("seen live");
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || !line.Contains(caseId)) continue;
            var e = JsonDocument.Parse(line["data: ".Length..]).RootElement;
            Assert.Equal("Receive", e.GetProperty("action").GetString());
            Assert.Equal(caseId, e.GetProperty("case").GetProperty("caseId").GetString());
            return;
        }
        Assert.Fail("the stream ended without the filed case");
    }
}

public class DemoTests
{
    [Fact]
    public async Task The_demo_network_comes_alive_within_seconds()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-demo-").FullName;
        var silo = await SiloApp.CreateAsync(["--demo", "--urls", "http://127.0.0.1:0", "--store", Path.Combine(dir, "demo.db")]);
        await silo.App.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(silo.Urls.Single() + "/") };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var parks = await http.GetFromJsonAsync<JsonElement>("api/parks");
                if (parks.GetArrayLength() == 2 && parks.EnumerateArray().All(p => p.GetProperty("enterprises").GetInt32() == 150)
                    && parks.EnumerateArray().Sum(p => p.GetProperty("casesTotal").GetInt32()) > 0)
                    break;
                Assert.True(DateTime.UtcNow < deadline, $"the demo did not come alive: {parks}");
                await Task.Delay(250);
            }
        }
        finally
        {
            await silo.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Flags_and_unknown_options_are_handled()
    {
        Assert.Equal(["--demo=true", "--store", "x.db"], SiloArguments.Normalize(["--demo", "--store", "x.db"]));
        Assert.Equal(["--store", "x.db", "--demo=true"], SiloArguments.Normalize(["--store", "x.db", "--demo"]));
        var error = Assert.Throws<ArgumentException>(() => SiloArguments.Normalize(["--stroe", "x.db"]));
        Assert.Contains("--stroe", error.Message);
    }

    [Fact]
    public void Options_come_from_PARKGRID_environment_variables_and_every_option_has_one()
    {
        var environment = new Dictionary<string, string> { ["PARKGRID_STORE"] = "Host=db", ["PARKGRID_TIME_SCALE"] = "60", ["ASPNETCORE_URLS"] = "http://0.0.0.0:8080", ["OTHER"] = "x" };
        var values = SiloArguments.FromEnvironment(name => environment.GetValueOrDefault(name));
        Assert.Equal(new Dictionary<string, string?> { ["store"] = "Host=db", ["time-scale"] = "60" }, values); // ASP.NET reads ASPNETCORE_URLS itself
        Assert.All(SiloArguments.Options, o => Assert.Contains(o.EnvironmentVariable, SiloArguments.Help));
        Assert.Equal(SiloArguments.Options.Count, SiloArguments.Options.Select(o => o.EnvironmentVariable).Distinct().Count());
    }
}
