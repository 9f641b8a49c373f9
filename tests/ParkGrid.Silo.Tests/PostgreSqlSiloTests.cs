using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using ParkGrid.Client;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;
using Xunit;

namespace ParkGrid.Silo.Tests;

/// <summary>A PostgreSQL connection string switches the silo's store; state survives a restart there too.</summary>
[Collection(PostgresCollection.Name)]
public class PostgreSqlSiloTests(PostgresServerFixture server)
{
    [Fact]
    public async Task A_silo_on_PostgreSQL_says_so_and_keeps_state_across_a_restart()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var key = $"pg-{Guid.NewGuid():N}";
        await using (var first = await StartAsync(connectionString))
        {
            using var http = new HttpClient { BaseAddress = new Uri(first.Urls.Single() + "/") };
            var health = await http.GetFromJsonAsync<JsonElement>("health");
            Assert.StartsWith("PostgreSQL", health.GetProperty("store").GetString());
            Assert.DoesNotContain("Password", health.GetProperty("store").GetString());
            using var client = await ParkGridClient.ConnectAsync(new Uri(first.Urls.Single()));
            await client.GetGrain<IGatewayProbeGrain>(key).Add(5, "on postgres", new LocalDate(2025, 10, 10));
        }
        await using (var second = await StartAsync(connectionString))
        {
            using var client = await ParkGridClient.ConnectAsync(new Uri(second.Urls.Single()));
            var state = await client.GetGrain<IGatewayProbeGrain>(key).Read();
            Assert.Equal((5, "on postgres"), (state.Total, state.Notes.Single()));
        }
    }

    private static async Task<Silo> StartAsync(string connectionString)
    {
        var silo = await SiloApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--store", connectionString],
            grains => grains.AddGrain<IGatewayProbeGrain, GatewayProbeGrain>());
        await silo.App.StartAsync();
        return silo;
    }
}
