using ParkGrid.Persistence.AdoNet;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Hosting;

namespace ParkGrid.Cluster.Tests;

/// <summary>A grain whose every change is a durable write, to watch what two activations of it do.</summary>
public interface ITallyGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);
    [ReadOnly] Task<List<int>> Entries();
}

public sealed class TallyState
{
    public List<int> Entries { get; set; } = [];
}

public sealed class TallyGrain([PersistentState("tally")] IPersistentState<TallyState> state) : Grain, ITallyGrain
{
    public async Task<int> Add(int amount)
    {
        state.State.Entries.Add(amount);
        await state.WriteStateAsync();
        return state.State.Entries.Sum();
    }

    public Task<List<int>> Entries() => Task.FromResult(state.State.Entries);
}

/// <summary>
/// Leases keep one owner per partition, but a silo that lost its lease while paused may still hold an activation
/// when it wakes. Two hosts on one PostgreSQL store, each activating the same grain, stand for exactly that: the
/// stale one's write is refused by the version check and its activation dropped, so no acknowledged write is lost.
/// </summary>
[Collection(PostgresCollection.Name)]
public class StaleOwnerTests(PostgresServerFixture server)
{
    [Fact]
    public async Task A_stale_activation_cannot_overwrite_what_the_new_owner_wrote()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var store = await AdoNetStore.OpenAsync(connection);
        LiveHost Host() => new GrainHostBuilder().AddGrain<ITallyGrain, TallyGrain>().UseStorage(store.GrainStorage).UseReminderTable(store.ReminderTable).BuildLive();
        await using var stale = Host();
        await using var owner = Host();
        await stale.StartAsync();
        await owner.StartAsync();
        var key = $"t-{Guid.NewGuid():N}";

        Assert.Equal(1, await stale.GrainFactory.GetGrain<ITallyGrain>(key).Add(1));   // the old owner, active with version 1
        Assert.Equal(3, await owner.GrainFactory.GetGrain<ITallyGrain>(key).Add(2));   // the new owner reads version 1, writes 2

        // The old owner wakes up and writes from its outdated copy: refused, nothing overwritten.
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.GrainFactory.GetGrain<ITallyGrain>(key).Add(4));
        Assert.Equal([1, 2], (await store.GrainStorage.ReadAsync<TallyState>("tally", new GrainId("tally", key))).State!.Entries);
        // Its activation was dropped: the next call reads the stored state again and builds on it.
        Assert.Equal(7, await stale.GrainFactory.GetGrain<ITallyGrain>(key).Add(4));
        Assert.Equal([1, 2, 4], (await store.GrainStorage.ReadAsync<TallyState>("tally", new GrainId("tally", key))).State!.Entries);
        // And now the other copy is the outdated one: the same rule protects the write it just saw.
        await Assert.ThrowsAsync<InconsistentStateException>(() => owner.GrainFactory.GetGrain<ITallyGrain>(key).Add(8));
        Assert.Equal([1, 2, 4], (await store.GrainStorage.ReadAsync<TallyState>("tally", new GrainId("tally", key))).State!.Entries);
    }
}
