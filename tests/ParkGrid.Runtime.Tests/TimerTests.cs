using NodaTime;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class TimerTests
{
    [Fact]
    public void Timer_ticks_run_as_turns_at_their_virtual_times()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromDays(1)));
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(TestHosts.Key());
        var start = host.Now;
        host.Run(() => grain.Start(Duration.FromSeconds(10), Duration.FromMinutes(1), keepAlive: false));
        host.AdvanceBy(Duration.FromMinutes(3));
        var ticks = host.Run(() => grain.Ticks());
        Assert.Equal([start + Duration.FromSeconds(10), start + Duration.FromSeconds(70), start + Duration.FromSeconds(130)], ticks);
    }

    [Fact]
    public async Task Timer_ticks_never_overlap_even_when_a_tick_outlasts_the_period()
    {
        await using var host = await TestHosts.Live();
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(TestHosts.Key());
        var prefix = TestHosts.Key("tick");
        await grain.StartSlow(Duration.FromMilliseconds(10), prefix);
        await TestHosts.Eventually(async () => (await grain.Ticks()).Length >= 1, "the first tick");
        await Task.Delay(200); // twenty periods, but tick 0 is still waiting on its gate
        Assert.Single(await grain.Ticks());
        Gates.Open(prefix + 0);
        await TestHosts.Eventually(async () => (await grain.Ticks()).Length >= 2, "the second tick");
        await Task.Delay(100); // tick 1 now waits on its own gate: no third tick may start
        Assert.Equal(2, (await grain.Ticks()).Length);
        Gates.Open(prefix + 1);
        await grain.Stop();
        Assert.Equal(1, await grain.MaxConcurrentTicks());
    }

    [Fact]
    public void Timers_do_not_keep_an_idle_activation_alive_and_stop_with_it()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromMinutes(10)));
        var key = TestHosts.Key();
        host.Run(() => host.GrainFactory.GetGrain<ITimerGrain>(key).Start(Duration.FromMinutes(1), Duration.FromMinutes(1), keepAlive: false));
        host.AdvanceBy(Duration.FromMinutes(30));
        Assert.False(host.Runtime.IsActive(new GrainId("timer", key)));
        var ticksWhenCollected = Probe.EventsOf(key).Length;
        Assert.InRange(ticksWhenCollected, 9, 10); // ticked until collected at 10 idle minutes
        host.AdvanceBy(Duration.FromHours(2));
        Assert.Equal(ticksWhenCollected, Probe.EventsOf(key).Length); // and never again
    }

    [Fact]
    public void A_keep_alive_timer_keeps_the_activation()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromMinutes(10)));
        var key = TestHosts.Key();
        host.Run(() => host.GrainFactory.GetGrain<ITimerGrain>(key).Start(Duration.FromMinutes(1), Duration.FromMinutes(1), keepAlive: true));
        host.AdvanceBy(Duration.FromHours(2));
        Assert.True(host.Runtime.IsActive(new GrainId("timer", key)));
        Assert.Equal(120, Probe.EventsOf(key).Length);
    }

    [Fact]
    public void A_one_shot_timer_changed_after_it_fired_fires_again_and_still_stops_with_its_activation()
    {
        // A one-shot timer leaves the activation's list of timers once it has fired; Change puts it back.
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromDays(1)));
        var key = TestHosts.Key();
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(key);
        host.Run(() => grain.Start(Duration.FromMinutes(1), Duration.MaxValue, keepAlive: false));
        host.AdvanceBy(Duration.FromMinutes(5));
        Assert.Single(Probe.EventsOf(key));
        host.Run(() => grain.Rearm(Duration.FromMinutes(1)));
        host.AdvanceBy(Duration.FromMinutes(5));
        Assert.Equal(2, Probe.EventsOf(key).Length);
        host.Run(() => grain.Rearm(Duration.FromMinutes(10)));
        host.Run(() => host.Runtime.DeactivateAsync(new GrainId("timer", key)));
        host.AdvanceBy(Duration.FromMinutes(30));
        Assert.Equal(2, Probe.EventsOf(key).Length);
    }

    [Fact]
    public void Every_timer_stops_with_its_activation_after_one_between_others_left_the_list()
    {
        // Three timers; the middle one is a one-shot that leaves the activation's list after its tick. The first
        // and the last must both still be found, and disposed, when the activation goes (the one-shot is done).
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromDays(1)));
        var key = TestHosts.Key();
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(key);
        host.Run(() => grain.Start(Duration.FromMinutes(1), Duration.FromMinutes(1), keepAlive: false));
        host.Run(() => grain.Start(Duration.FromSeconds(30), Duration.MaxValue, keepAlive: false));
        host.Run(() => grain.Start(Duration.FromMinutes(1), Duration.FromMinutes(1), keepAlive: false));
        host.AdvanceBy(Duration.FromMinutes(2));
        Assert.Equal(5, Probe.EventsOf(key).Length); // the one-shot once, the others twice each
        Assert.Empty(Probe.EventsOf(key + "/stopped"));
        host.Run(() => host.Runtime.DeactivateAsync(new GrainId("timer", key)));
        Assert.Equal(2, Probe.EventsOf(key + "/stopped").Length);
        host.AdvanceBy(Duration.FromMinutes(30));
        Assert.Equal(5, Probe.EventsOf(key).Length);
    }

    [Fact]
    public void A_disposed_timer_stops_ticking()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromDays(1)));
        var grain = host.GrainFactory.GetGrain<ITimerGrain>(TestHosts.Key());
        host.Run(() => grain.Start(Duration.FromMinutes(1), Duration.FromMinutes(1), keepAlive: false));
        host.AdvanceBy(Duration.FromMinutes(5));
        host.Run(() => grain.Stop());
        host.AdvanceBy(Duration.FromMinutes(5));
        Assert.Equal(5, host.Run(() => grain.Ticks()).Length);
    }
}
