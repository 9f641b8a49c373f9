using Xunit;
using NodaTime;
using ParkGrid.Runtime.Reminders;
using ParkGrid.Runtime.Storage;

namespace ParkGrid.Runtime.Tests;

/// <summary>
/// The runtime's side of clustering (docs/cluster.md): with a locator attached, a grain that is not local is
/// called through the locator, never activated here; serving a subset of grains loads or unloads their
/// reminders and deactivates them; a reminder tick for a grain that left is neither delivered nor recorded.
/// </summary>
public class PlacementHookTests
{
    /// <summary>A locator whose answer the test switches; remote calls are recorded and answered with 42.</summary>
    private sealed class SwitchableLocator : IGrainLocator
    {
        public Func<GrainId, bool> Local { get; set; } = _ => true;
        public List<string> RemoteCalls { get; } = [];

        public bool IsLocal(GrainId grainId) => Local(grainId);

        public Task<TResult> InvokeRemoteAsync<TResult>(GrainId grainId, GrainRequest request, bool isVoid)
        {
            RemoteCalls.Add($"{grainId} {request.Method.Name}");
            return Task.FromResult(isVoid ? default! : (TResult)(object)42);
        }
    }

    [Fact]
    public void A_grain_that_is_not_local_is_called_through_the_locator_and_never_activated_here()
    {
        using var host = TestHosts.Deterministic();
        var locator = new SwitchableLocator { Local = id => !id.Key.StartsWith("remote-", StringComparison.Ordinal) };
        host.Runtime.AttachLocator(locator);

        Assert.Equal(42, host.Run(() => host.GrainFactory.GetGrain<ICounterGrain>("remote-1").Get()));
        host.Run(() => host.GrainFactory.GetGrain<ICounterGrain>("remote-1").Fail("not run here"));
        Assert.Equal(1, host.Run(() => host.GrainFactory.GetGrain<ICounterGrain>("local-1").Increment()));

        Assert.Equal(["counter/remote-1 Get", "counter/remote-1 Fail"], locator.RemoteCalls);
        Assert.False(host.Runtime.IsActive(new GrainId("counter", "remote-1")));
        Assert.True(host.Runtime.IsActive(new GrainId("counter", "local-1")));
        Assert.Throws<InvalidOperationException>(() => host.Runtime.AttachLocator(new SwitchableLocator()));
        // A call forwarded by another silo must run here or fail; it is never forwarded again.
        var forwardedHere = GrainProxies.Create<ICounterGrain>("remote-1", host.Runtime.LocalOnly);
        Assert.Throws<GrainNotHereException>(() => host.Run(() => forwardedHere.Get()));
    }

    [Fact]
    public void A_call_waiting_on_an_activation_whose_grain_leaves_is_carried_to_the_new_owner()
    {
        using var host = TestHosts.Deterministic();
        var locator = new SwitchableLocator();
        host.Runtime.AttachLocator(locator);
        var key = TestHosts.Key();
        var answer = host.Run(async () =>
        {
            var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
            await grain.Increment(); // active here; the reference remembers the activation
            locator.Local = _ => false;
            var leaving = host.Runtime.StopServingAsync(id => id.Key == key);
            var waiting = grain.Get(); // queued behind the deactivation on the remembered activation
            await leaving;
            return await waiting;
        });
        Assert.Equal(42, answer); // the locator's answer: the call went to the owner, not to an error
        Assert.Equal([$"counter/{key} Get"], locator.RemoteCalls);
        Assert.False(host.Runtime.IsActive(new GrainId("counter", key)));
    }

    [Fact]
    public void Grains_that_leave_are_deactivated_with_their_reminders_and_their_next_owner_fires_the_missed_ticks()
    {
        var table = new MemoryReminderTable();
        var storage = new MemoryGrainStorage();
        var key = TestHosts.Key();
        var grain = new GrainId("reminder", key);
        var start = TestHosts.Start;

        using (var first = TestHosts.Deterministic(b => b.UseReminderTable(table).UseStorage(storage), start))
        {
            var locator = new SwitchableLocator();
            first.Runtime.AttachLocator(locator);
            first.Run(() => first.GrainFactory.GetGrain<IReminderGrain>(key).Register("hourly", Duration.FromHours(1), Duration.FromHours(1)));
            first.AdvanceBy(Duration.FromHours(2).Plus(Duration.FromMinutes(10))); // ticks at 1 h and 2 h
            Assert.Equal(1, first.Runtime.Statistics.RemindersDue);

            locator.Local = id => id != grain; // its partition moves to another silo
            first.Run(() => first.Runtime.StopServingAsync(id => id == grain));
            Assert.False(first.Runtime.IsActive(grain));
            Assert.Equal(0, first.Runtime.Statistics.RemindersDue);
            first.AdvanceBy(Duration.FromHours(3)); // nothing fires here any more
            Assert.False(first.Runtime.IsActive(grain));
            Assert.Equal(2, first.Run(() => storage.ReadAsync<ReminderLog>("reminders", grain)).State!.Received.Count); // flushed, two ticks
        }

        // The next owner, at 5h30m, starts serving the grain: the tick of 5 h fires once, 3 h and 4 h reported missed.
        using var second = TestHosts.Deterministic(b => b.UseReminderTable(table).UseStorage(storage), start + Duration.FromHours(5).Plus(Duration.FromMinutes(30)));
        var owner = new SwitchableLocator { Local = _ => false };
        second.Runtime.AttachLocator(owner);
        owner.Local = _ => true;
        second.Run(() => second.Runtime.StartServingAsync(id => id == grain));
        second.RunReady();
        var received = second.Run(() => second.GrainFactory.GetGrain<IReminderGrain>(key).Received());
        Assert.Equal(3, received.Count);
        Assert.Equal(start + Duration.FromHours(5), received[^1].CurrentTickTime);
        Assert.Equal(2, received[^1].MissedTicks);
    }

    [Fact]
    public void A_tick_for_a_grain_that_left_meanwhile_is_not_delivered_or_recorded()
    {
        var table = new MemoryReminderTable();
        var key = TestHosts.Key();
        var grain = new GrainId("reminder", key);
        using var host = TestHosts.Deterministic(b => b.UseReminderTable(table));
        var locator = new SwitchableLocator();
        host.Runtime.AttachLocator(locator);
        host.Run(() => host.GrainFactory.GetGrain<IReminderGrain>(key).Register("hourly", Duration.FromHours(1), Duration.FromHours(1)));
        host.AdvanceBy(Duration.FromHours(1).Plus(Duration.FromMinutes(1)));
        var recorded = host.Run(() => table.ReadRowAsync(grain, "hourly"))!.LastTickAt;
        Assert.Equal(TestHosts.Start + Duration.FromHours(1), recorded);
        host.Run(() => host.Runtime.DeactivateAsync(grain));

        locator.Local = _ => false; // the partition left, but its reminders were not unloaded yet (a race)
        host.AdvanceBy(Duration.FromHours(2));
        Assert.False(host.Runtime.IsActive(grain));
        Assert.Equal(recorded, host.Run(() => table.ReadRowAsync(grain, "hourly"))!.LastTickAt); // left for the owner to deliver
    }
}
