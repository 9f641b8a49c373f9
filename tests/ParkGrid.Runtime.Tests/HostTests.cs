using NodaTime;
using ParkGrid.Runtime.Scheduling;
using ParkGrid.Runtime.Storage;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class HostTests
{
    [Fact]
    public async Task A_scaled_clock_runs_timers_on_virtual_time_for_demos()
    {
        // One virtual hour per real second: a timer due in one virtual hour fires after about a second.
        var clock = new ScaledClock(TestHosts.Start, scale: 3600);
        await using var host = TestHosts.Builder().BuildLive(clock);
        await host.StartAsync();
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(TestHosts.Key());
        await grain.Start(Duration.FromHours(1), Duration.FromHours(1), keepAlive: true);
        await TestHosts.Eventually(async () => (await grain.Ticks()).Length >= 2, "two ticks of a one-virtual-hour timer");
        var ticks = await grain.Ticks();
        // An hour apart on the scaled clock: never early (the scheduler re-arms a timer that wakes before its due
        // instant); late only by scheduling delay (a virtual minute is ~17 ms of real time here).
        Assert.InRange((ticks[1] - ticks[0]).TotalMinutes, 60, 180);
        Assert.True(clock.GetCurrentInstant() - TestHosts.Start >= Duration.FromHours(2));
    }

    [Fact]
    public void Grain_of_TState_reads_and_writes_its_state()
    {
        var storage = new MemoryGrainStorage();
        var key = TestHosts.Key();
        using (var host = TestHosts.Deterministic(b => b.UseStorage(storage)))
        {
            host.Run(() => host.GrainFactory.GetGrain<INoteGrain>(key).Add("visited xa-0001"));
            host.Stop();
        }
        using var again = TestHosts.Deterministic(b => b.UseStorage(storage));
        Assert.Equal(["visited xa-0001"], again.Run(() => again.GrainFactory.GetGrain<INoteGrain>(key).Notes()));
    }

    [Fact]
    public void Driver_code_runs_after_the_work_already_due()
    {
        using var host = TestHosts.Deterministic();
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(TestHosts.Key());
        host.Run(() => grain.Start(Duration.Zero, Duration.FromHours(1), keepAlive: false)); // a tick due now
        Assert.Single(host.Run(() => grain.Ticks())); // the next driver sees it done
    }

    [Fact]
    public async Task Reference_storage_keeps_objects_and_enforces_versions()
    {
        var storage = new ReferenceGrainStorage();
        var id = new GrainId("counter", "x");
        var state = new CounterState { Value = 3 };
        var v1 = await storage.WriteAsync("s", id, state, 0);
        Assert.Same(state, (await storage.ReadAsync<CounterState>("s", id)).State);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("s", id, state, 0));
        Assert.Equal(v1 + 1, await storage.ClearAsync("s", id, v1));
        Assert.False((await storage.ReadAsync<CounterState>("s", id)).RecordExists);
        Assert.Equal(0, storage.Count);
    }

    [Fact]
    public void A_grain_on_reference_storage_keeps_its_versions_across_activations()
    {
        // The state facet keeps its storage slot; a new activation finds the same slot, with the version the last one left.
        var storage = new ReferenceGrainStorage();
        var key = TestHosts.Key();
        var id = new GrainId("counter", key);
        using var host = TestHosts.Deterministic(b => b.UseStorage(storage));
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
        host.Run(() => grain.Increment());
        host.Run(() => grain.Increment());
        host.Run(() => host.Runtime.DeactivateAsync(id));
        host.Run(() => grain.Increment()); // a new activation reads version 2 and writes version 3
        var stored = host.Run(() => storage.ReadAsync<CounterState>("counter", id));
        Assert.Equal((3L, 3), (stored.Version, stored.State!.Value));
        Assert.Equal(1, storage.Count);
    }

    [Fact]
    public void Reading_state_in_a_read_only_turn_does_not_make_deactivation_write_it()
    {
        var storage = new MemoryGrainStorage();
        var key = TestHosts.Key();
        var id = new GrainId("counter", key);
        using var host = TestHosts.Deterministic(b => b.UseStorage(storage));
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
        host.Run(() => grain.Increment()); // version 1
        host.Run(() => grain.Get());       // [ReadOnly]
        host.Run(() => host.Runtime.DeactivateAsync(id));
        Assert.Equal(1, host.Run(() => storage.ReadAsync<CounterState>("counter", id)).Version);

        host.Run(() => grain.SetWithoutWriting(9)); // not read-only: flushed at deactivation
        host.Run(() => host.Runtime.DeactivateAsync(id));
        var stored = host.Run(() => storage.ReadAsync<CounterState>("counter", id));
        Assert.Equal((2L, 9), (stored.Version, stored.State!.Value));
    }
}
