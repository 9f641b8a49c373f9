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
        Assert.InRange((ticks[1] - ticks[0]).TotalMinutes, 55, 75); // an hour apart on the scaled clock
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
}
