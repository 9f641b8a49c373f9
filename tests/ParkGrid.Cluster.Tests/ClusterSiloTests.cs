using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using ParkGrid.Client;
using ParkGrid.Cluster.Tests.Infrastructure;
using ParkGrid.Clustering;
using ParkGrid.Domain;
using ParkGrid.Grains;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;
using ParkGrid.Runtime;
using ParkGrid.Silo;

namespace ParkGrid.Cluster.Tests;

/// <summary>Silos in this process (as the gateway tests run them), several to a cluster on a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public class ClusterSiloTests(PostgresServerFixture server)
{
    [Fact]
    public async Task Two_silos_split_the_partitions_and_either_gateway_reaches_the_one_activation()
    {
        var store = await server.CreateDatabaseAsync();
        await using var a = await StartAsync(store, "a");
        await using var b = await StartAsync(store, "b");
        await WaitForSplitAsync(a, b);

        using var client = await ParkGridClient.ConnectAsync(new Uri(a.Urls.Single()));
        await TestNetwork.CreateAsync(client, parks: 6, enterprisesPerPark: 3);
        using var viaB = await ParkGridClient.ConnectAsync(new Uri(b.Urls.Single()));
        for (var p = 0; p < 6; p++)
            for (var n = 0; n < 3; n++)
            {
                var id = TestNetwork.Enterprise(p, n);
                var fromA = await client.GetGrain<IEnterpriseGrain>(id).GetSnapshot();
                var fromB = await viaB.GetGrain<IEnterpriseGrain>(id).GetSnapshot();
                Assert.Equal(TestNetwork.Park(p), fromA.ParkId);
                Assert.Equal(fromA.ParkId, fromB.ParkId);
                var grain = new GrainId("enterprise", id);
                // One activation, on the silo that serves the park's partition, next to its park.
                Assert.True(a.Host.Runtime.IsActive(grain) ^ b.Host.Runtime.IsActive(grain), $"{id} must be active on exactly one silo");
                var owner = a.Host.Runtime.IsActive(grain) ? a : b;
                Assert.True(Agent(owner).IsLocal(new GrainId("park", TestNetwork.Park(p))));
            }
        // Both silos hold grains and both forwarded calls to the other.
        Assert.True(a.Host.Runtime.ActivationCount > 0 && b.Host.Runtime.ActivationCount > 0);
        Assert.True(Agent(a).Status().Forwarded > 0 && Agent(b).Status().Forwarded > 0);
    }

    [Fact]
    public async Task A_silo_that_leaves_hands_over_its_grains_and_reminders_with_their_state()
    {
        var store = await server.CreateDatabaseAsync();
        await using var a = await StartAsync(store, "a");
        var b = await StartAsync(store, "b");
        await WaitForSplitAsync(a, b);
        using var client = await ParkGridClient.ConnectAsync([new Uri(a.Urls.Single()), new Uri(b.Urls.Single())]);
        // Twelve parks: the chance that b holds none of them is (1/2)^12.
        await TestNetwork.CreateAsync(client, parks: 12, enterprisesPerPark: 1);
        var filed = new List<string>();
        for (var p = 0; p < 12; p++)
        {
            var id = $"{TestNetwork.Park(p)}:case-leave-{p}";
            await client.GetGrain<ICaseGrain>(id).Receive(TestNetwork.Clue(p, 0, p));
            filed.Add(id);
        }
        var onB = filed.Where(id => Agent(b).IsLocal(new GrainId("case", id))).ToList();

        await b.DisposeAsync(); // Ctrl-C: deactivate, flush, release the leases, leave

        // Released leases are free at once: a takes them at its next heartbeat rounds.
        var handover = Stopwatch.StartNew();
        while (Agent(a).ServingPartitions().Count < 64 && handover.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.Equal(64, Agent(a).ServingPartitions().Count);
        foreach (var id in filed)
        {
            var snapshot = await client.GetGrain<ICaseGrain>(id).GetSnapshot();
            Assert.Equal(id, snapshot.Id);
        }
        // Every reminder row (including those of the cases b held) is scheduled on a now.
        Assert.NotEmpty(onB);
        var rows = await store.CountAsync("SELECT count(*) FROM parkgrid_reminders");
        Assert.True(rows > 0);
        Assert.Equal(rows, a.Host.Runtime.Statistics.RemindersDue);
    }

    [Fact]
    public async Task Errors_keep_their_kind_when_a_call_is_forwarded()
    {
        var store = await server.CreateDatabaseAsync();
        await using var a = await StartAsync(store, "a");
        await using var b = await StartAsync(store, "b");
        await WaitForSplitAsync(a, b);
        using var client = await ParkGridClient.ConnectAsync(new Uri(a.Urls.Single()));
        await TestNetwork.CreateAsync(client, parks: 12, enterprisesPerPark: 1);
        // A case on b's partitions, called through a: resolving a case that was only just received breaks a rule.
        var p = Enumerable.Range(0, 12).First(i => Agent(b).IsLocal(new GrainId("park", TestNetwork.Park(i))));
        var id = $"{TestNetwork.Park(p)}:case-rule";
        await client.GetGrain<ICaseGrain>(id).Receive(TestNetwork.Clue(p, 0, 1));
        var error = await Assert.ThrowsAnyAsync<DomainRuleException>(() => client.GetGrain<ICaseGrain>(id).Resolve("tester", 5, null));
        Assert.Contains("Received", error.Message); // names the state the case is in
        Assert.True(Agent(a).Status().Forwarded > 0);
    }

    [Fact]
    public async Task A_silo_the_others_declared_dead_stops_serving_and_shuts_down()
    {
        var store = await server.CreateDatabaseAsync();
        await using var a = await StartAsync(store, "a");
        await using var b = await StartAsync(store, "b");
        await WaitForSplitAsync(a, b);
        var stopping = new TaskCompletionSource();
        a.App.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        // What another silo writes when a's heartbeat went stale (a paused process, a lost network): a must not go on.
        await store.CountAsync($"UPDATE parkgrid_cluster_member SET status = 'dead' WHERE silo = '{Agent(a).SiloId}' RETURNING 1");
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Empty(Agent(a).ServingPartitions()); // it answers "not here" for every grain from now on
    }

    [Fact]
    public async Task Misconfigured_cluster_silos_are_refused_with_the_reason()
    {
        var store = await server.CreateDatabaseAsync();
        var sqlite = await Assert.ThrowsAsync<ArgumentException>(() => SiloApp.CreateAsync(
            ["--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}", "--store", Path.Combine(Path.GetTempPath(), $"pg-{Guid.NewGuid():N}.db"), "--cluster", "x"]));
        Assert.Contains("PostgreSQL", sqlite.Message);
        var demo = await Assert.ThrowsAsync<ArgumentException>(() => SiloApp.CreateAsync(["--store", store, "--cluster", "x", "--demo"]));
        Assert.Contains("--demo", demo.Message);
        var lonely = await Assert.ThrowsAsync<ArgumentException>(() => SiloApp.CreateAsync(["--store", store, "--partitions", "8"]));
        Assert.Contains("--cluster", lonely.Message);

        await using (var first = await StartAsync(store, "a")) { }
        var port = SiloProcess.FreePort();
        await using var mismatched = await SiloApp.CreateAsync(["--urls", $"http://127.0.0.1:{port}", "--store", store, "--cluster", "test", "--silo-name", "b", "--partitions", "16"]);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => mismatched.App.StartAsync());
        Assert.Contains("created with 64 partitions", refused.Message);

        var unreachable = await Assert.ThrowsAsync<ArgumentException>(() => SiloApp.CreateAsync(["--urls", "http://0.0.0.0:5999", "--store", store, "--cluster", "test"]));
        Assert.Contains("--advertise", unreachable.Message);
    }

    private static ClusterAgent Agent(Silo.Silo silo) => silo.App.Services.GetRequiredService<ClusterAgent>();

    private static async Task<Silo.Silo> StartAsync(string store, string name)
    {
        var silo = await SiloApp.CreateAsync(["--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}", "--store", store, "--cluster", "test", "--silo-name", name]);
        await silo.App.StartAsync();
        return silo;
    }

    /// <summary>Waits until every partition is served by exactly one of the silos and each serves some.</summary>
    private static Task WaitForSplitAsync(params Silo.Silo[] silos) =>
        PartitionSplit.WaitAsync(() => Task.FromResult(silos.Select(s => Agent(s).ServingPartitions()).ToArray()), TimeSpan.FromSeconds(30), "the test's silos");
}

internal static class StoreQueries
{
    public static async Task<long> CountAsync(this string connectionString, string sql)
    {
        await using var data = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
