using ParkGrid.Domain;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NodaTime;
using ParkGrid.Client;
using ParkGrid.Runtime;
using Xunit;

namespace ParkGrid.Silo.Tests;

public class GatewayTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private static string Key() => $"p-{Guid.NewGuid():N}";

    [Fact]
    public async Task Health_names_the_store_and_the_clock()
    {
        var health = await silo.Http.GetFromJsonAsync<JsonElement>("health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.StartsWith("SQLite file", health.GetProperty("store").GetString());
        Assert.True(health.TryGetProperty("clock", out _));
    }

    [Fact]
    public async Task The_client_calls_grains_with_typed_proxies()
    {
        var grain = silo.Client.GetGrain<IGatewayProbeGrain>(Key());
        Assert.Equal(3, await grain.Add(3, "first visit", new LocalDate(2025, 10, 9)));
        Assert.Equal(5, await grain.Add(2, "follow-up", new LocalDate(2025, 10, 10)));
        var state = await grain.Read();
        Assert.Equal(["first visit", "follow-up"], state.Notes);
        Assert.Equal(new LocalDate(2025, 10, 10), state.LastDay);
    }

    [Fact]
    public async Task Grain_errors_reach_the_client_with_their_type_and_message()
    {
        var grain = silo.Client.GetGrain<IGatewayProbeGrain>(Key());
        var argument = await Assert.ThrowsAsync<ArgumentException>(() => grain.Add(-1, "x", new LocalDate(2025, 1, 1)));
        Assert.Contains("amount must be positive", argument.Message);
        Assert.Equal("amount", argument.ParamName);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Refuse("case is closed"));
        Assert.Equal("case is closed", refused.Message);
        // The domain's rule exception is loaded here, so it is recreated as itself.
        var rule = await Assert.ThrowsAsync<DomainRuleException>(() => grain.BreakRule("Resolved cannot be assigned"));
        Assert.Equal("Resolved cannot be assigned", rule.Message);
    }

    public static TheoryData<string, string, string?, HttpStatusCode, string> BadInputs => new()
    {
        // path suffix, body, content type, expected status, expected "field"
        { "gateway-probe/{key}/Add", "[1, \"note\"", "application/json", HttpStatusCode.BadRequest, "body" },              // malformed JSON
        { "no-such-grain/{key}/Add", "[1, \"n\", \"2025-01-01\"]", "application/json", HttpStatusCode.NotFound, "grainType" },
        { "gateway-probe/{key}/Explode", "[]", "application/json", HttpStatusCode.NotFound, "method" },
        { "gateway-probe/{key}/Add", "[1, \"n\"]", "application/json", HttpStatusCode.BadRequest, "body" },                  // too few
        { "gateway-probe/{key}/Add", "[\"one\", \"n\", \"2025-01-01\"]", "application/json", HttpStatusCode.BadRequest, "amount" },
        { "gateway-probe/{key}/Add", "[1, \"n\", \"2025-13-01\"]", "application/json", HttpStatusCode.BadRequest, "day" },   // not a date
        { "gateway-probe/{key}/Add", "{\"amount\": 1, \"note\": \"n\"}", "application/json", HttpStatusCode.BadRequest, "body" },
        { "gateway-probe/{key}/Add", "{\"amount\": 1, \"note\": \"n\", \"date\": \"2025-01-01\"}", "application/json", HttpStatusCode.BadRequest, "day" }, // missing field
        { "gateway-probe/{key}/Add", "[null, \"n\", \"2025-01-01\"]", "application/json", HttpStatusCode.BadRequest, "amount" },
        { "gateway-probe/{key}/Add", "[0, \"n\", \"2025-01-01\"]", "application/json", HttpStatusCode.BadRequest, "amount" }, // the grain refuses
        { "gateway-probe/{key}/Add", "42", "application/json", HttpStatusCode.BadRequest, "body" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gets_a_problem_naming_the_field_and_writes_nothing(string path, string body, string? contentType, HttpStatusCode status, string field)
    {
        var key = Key();
        var grain = silo.Client.GetGrain<IGatewayProbeGrain>(key);
        await grain.Add(7, "before", new LocalDate(2025, 9, 26));

        using var content = new StringContent(body, Encoding.UTF8, contentType!);
        using var response = await silo.Http.PostAsync("api/grains/" + path.Replace("{key}", key), content);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));

        var after = await grain.Read();
        Assert.Equal(7, after.Total);
        Assert.Equal(["before"], after.Notes);
    }

    [Fact]
    public async Task An_oversized_body_is_refused()
    {
        var key = Key();
        var note = new string('x', (int)SiloApp.MaxRequestBodyBytes + 10);
        using var response = await silo.Http.PostAsJsonAsync($"api/grains/gateway-probe/{key}/Add", new object[] { 1, note, "2025-01-01" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, (await silo.Client.GetGrain<IGatewayProbeGrain>(key).Read()).Total);
    }

    [Fact]
    public async Task Arguments_may_be_named()
    {
        var key = Key();
        using var response = await silo.Http.PostAsJsonAsync($"api/grains/gateway-probe/{key}/Add", new { amount = 4, note = "named", day = "2025-10-10" });
        response.EnsureSuccessStatusCode();
        Assert.Equal(4, await response.Content.ReadFromJsonAsync<int>());
    }

    [Fact]
    public async Task OpenApi_describes_the_gateway()
    {
        var doc = await silo.Http.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/grains/{grainType}/{key}/{method}", out _));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/health", out _));
    }

    [Fact]
    public async Task Runtime_statistics_count_gateway_calls()
    {
        await silo.Client.GetGrain<IGatewayProbeGrain>(Key()).Add(1, "n", new LocalDate(2025, 1, 1));
        var stats = await silo.Http.GetFromJsonAsync<JsonElement>("api/runtime/statistics");
        var add = stats.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("grainType").GetString() == "gateway-probe" && m.GetProperty("method").GetString() == "Add");
        Assert.True(add.GetProperty("calls").GetInt64() >= 1);
        Assert.True(stats.GetProperty("activationsByType").GetProperty("gateway-probe").GetInt64() >= 1);
    }

    [Fact]
    public async Task Grain_types_are_listed_with_their_methods()
    {
        var grains = await silo.Http.GetFromJsonAsync<JsonElement>("api/grains");
        var probe = grains.EnumerateArray().Single(g => g.GetProperty("grainType").GetString() == "gateway-probe");
        Assert.Contains("Add", probe.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }
}

public class SiloLifecycleTests
{
    [Fact]
    public async Task Stopping_the_silo_flushes_state_and_a_new_silo_on_the_same_store_sees_it()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-silo-").FullName;
        var store = Path.Combine(dir, "silo.db");
        var key = $"p-{Guid.NewGuid():N}";
        await using (var first = await SiloFixture.StartSiloAsync(store))
        {
            using var client = await ParkGridClient.ConnectAsync(new Uri(first.Urls.Single()));
            await client.GetGrain<IGatewayProbeGrain>(key).Add(11, "kept", new LocalDate(2025, 10, 10));
        }
        await using (var second = await SiloFixture.StartSiloAsync(store))
        {
            using var client = await ParkGridClient.ConnectAsync(new Uri(second.Urls.Single()));
            var state = await client.GetGrain<IGatewayProbeGrain>(key).Read();
            Assert.Equal(11, state.Total);
            Assert.Equal(["kept"], state.Notes);
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_silo_that_is_down_gives_a_clear_error()
    {
        // A port nobody listens on: bind one, note it, release it.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => ParkGridClient.ConnectAsync(new Uri($"http://127.0.0.1:{port}/")));
        Assert.Contains("not reachable", error.Message);
    }

    [Fact]
    public async Task Calls_to_a_silo_that_went_down_fail_clearly()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-silo-").FullName;
        var silo = await SiloFixture.StartSiloAsync(Path.Combine(dir, "silo.db"));
        using var client = await ParkGridClient.ConnectAsync(new Uri(silo.Urls.Single()));
        var grain = client.GetGrain<IGatewayProbeGrain>("k");
        await grain.Add(1, "n", new LocalDate(2025, 1, 1));
        await silo.DisposeAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.Read());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_client_with_several_gateways_skips_one_that_is_down_and_moves_on_when_its_gateway_dies()
    {
        var dir = Directory.CreateTempSubdirectory("parkgrid-silo-").FullName;
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var nobody = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        listener.Stop();
        var first = await SiloFixture.StartSiloAsync(Path.Combine(dir, "a.db"));
        await using var second = await SiloFixture.StartSiloAsync(Path.Combine(dir, "b.db"));
        var (a, b) = (new Uri(first.Urls.Single() + "/"), new Uri(second.Urls.Single() + "/"));

        using var client = await ParkGridClient.ConnectAsync([nobody, a, b]);
        Assert.Equal(a, client.Gateway); // the dead one was skipped at connect
        var key = $"f-{Guid.NewGuid():N}";
        Assert.Equal(3, await client.GetGrain<IGatewayProbeGrain>(key).Add(3, "on a", new LocalDate(2025, 1, 1)));

        await first.DisposeAsync();
        // a refuses connections now: the call never reached it, so it is safe to send to b (a separate store here,
        // so the grain starts afresh there; in a cluster it would be the same grain).
        Assert.Equal(4, await client.GetGrain<IGatewayProbeGrain>(key).Add(4, "on b", new LocalDate(2025, 1, 2)));
        Assert.Equal(b, client.Gateway);
        Directory.Delete(dir, recursive: true);
    }
}
