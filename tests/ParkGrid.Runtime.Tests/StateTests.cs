using ParkGrid.Runtime.Storage;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class StateTests
{
    [Fact]
    public async Task A_version_conflict_raises_an_inconsistent_state_error_and_the_grain_rereads_on_the_next_call()
    {
        var storage = new MemoryGrainStorage();
        await using var host = await TestHosts.Live(b => b.UseStorage(storage));
        var key = TestHosts.Key();
        var id = new GrainId("counter", key);
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await grain.Increment());

        // Someone else writes (as a duplicate activation would during failover).
        await storage.WriteAsync("counter", id, new CounterState { Value = 100 }, expectedVersion: 1);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Increment().Within());
        Assert.Equal(2, error.StoredVersion);
        Assert.Equal(1, error.ExpectedVersion);
        Assert.Contains("version", error.Message);

        // The stale activation was dropped without flushing; the next call reads the winner's state.
        Assert.Equal(101, await grain.Increment().Within());
        Assert.Equal(2, Probe.Constructions[key]);
        Assert.Contains($"deactivate {DeactivationReason.InconsistentState}", Probe.EventsOf(key));
    }

    [Fact]
    public async Task Memory_storage_enforces_versions_and_keeps_a_tombstone_after_clear()
    {
        var storage = new MemoryGrainStorage();
        var id = new GrainId("counter", "x");
        Assert.Equal(0, (await storage.ReadAsync<CounterState>("s", id)).Version);
        Assert.Equal(1, await storage.WriteAsync("s", id, new CounterState { Value = 1 }, 0));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("s", id, new CounterState(), 0));
        Assert.Equal(2, await storage.ClearAsync("s", id, 1));
        var cleared = await storage.ReadAsync<CounterState>("s", id);
        Assert.False(cleared.RecordExists);
        Assert.Equal(2, cleared.Version);
        Assert.Equal(3, await storage.WriteAsync("s", id, new CounterState { Value = 9 }, 2));
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_version_have_exactly_one_winner()
    {
        var storage = new MemoryGrainStorage();
        var id = new GrainId("counter", "race");
        await storage.WriteAsync("s", id, new CounterState(), 0);
        var attempts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            try { await storage.WriteAsync("s", id, new CounterState { Value = i }, 1); return true; }
            catch (InconsistentStateException) { return false; }
        }));
        var outcomes = await Task.WhenAll(attempts);
        Assert.Equal(1, outcomes.Count(won => won));
    }
}
