using NodaTime;
using ParkGrid.Runtime.Storage;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class ActivationTests
{
    [Fact]
    public async Task Concurrent_first_calls_create_exactly_one_activation()
    {
        await using var host = await TestHosts.Live();
        var key = TestHosts.Key();
        // Many threads race to make the first call, each through its own reference.
        var calls = Enumerable.Range(0, 200).Select(_ => Task.Run(() => host.GrainFactory.GetGrain<ICounterGrain>(key).Increment())).ToArray();
        var results = await Task.WhenAll(calls).Within();

        Assert.Equal(1, Probe.Constructions[key]);
        Assert.Equal(Enumerable.Range(1, 200), results.Order()); // every increment ran, one at a time

    }

    [Fact]
    public async Task State_is_read_before_OnActivateAsync()
    {
        var storage = new MemoryGrainStorage();
        var key = TestHosts.Key();
        await storage.WriteAsync("counter", new GrainId("counter", key), new CounterState { Value = 41 }, 0);
        await using var host = await TestHosts.Live(b => b.UseStorage(storage));

        Assert.Equal(42, await host.GrainFactory.GetGrain<ICounterGrain>(key).Increment().Within());
        Assert.Equal("activate v1 value 41", Probe.EventsOf(key)[0]);
    }

    [Fact]
    public async Task Exceptions_reach_the_caller_with_type_and_message_and_the_activation_survives()
    {
        await using var host = await TestHosts.Live();
        var key = TestHosts.Key();
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Increment();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.Fail("no such enterprise"));
        Assert.Equal("no such enterprise", error.Message);

        Assert.Equal(2, await grain.Increment());
        Assert.Equal(1, await grain.Constructions()); // same activation
        Assert.Equal(1, host.Runtime.Statistics.Methods().Single(m => m.GrainType == "counter" && m.Method == "Fail").Failures);
    }

    [Fact]
    public async Task A_failed_activation_fails_the_call_and_the_next_call_activates_again()
    {
        await using var host = await TestHosts.Live();
        var grain = host.GrainFactory.GetGrain<IBrokenGrain>(TestHosts.Key());

        var error = await Assert.ThrowsAsync<GrainActivationException>(() => grain.Hello().Within());
        Assert.Contains("the first activation fails", error.Message);
        Assert.Equal("hello", await grain.Hello().Within());
    }

    [Fact]
    public void Idle_activations_are_collected_and_their_state_flushed_first()
    {
        var storage = new MemoryGrainStorage();
        using var host = TestHosts.Deterministic(b => b.UseStorage(storage).Configure(o => o.CollectionAge = Duration.FromMinutes(15)));
        var key = TestHosts.Key();
        var id = new GrainId("counter", key);
        host.Run(() => host.GrainFactory.GetGrain<ICounterGrain>(key).SetWithoutWriting(7));

        host.AdvanceBy(Duration.FromMinutes(14));
        Assert.True(host.Runtime.IsActive(id));
        host.AdvanceBy(Duration.FromMinutes(2)); // idle 16 min, collection quantum 1 min
        Assert.False(host.Runtime.IsActive(id));

        var stored = host.Run(() => storage.ReadAsync<CounterState>("counter", id));
        Assert.Equal(7, stored.State!.Value);
        Assert.Contains($"deactivate {DeactivationReason.IdleCollection}", Probe.EventsOf(key));
        Assert.Equal(0, host.Runtime.ActivationCount);
    }

    [Fact]
    public void Calls_keep_an_activation_alive_and_DelayDeactivation_extends_it()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromMinutes(15)));
        var key = TestHosts.Key();
        var id = new GrainId("counter", key);
        for (var i = 0; i < 6; i++)
        {
            host.Run(() => host.GrainFactory.GetGrain<ICounterGrain>(key).Get());
            host.AdvanceBy(Duration.FromMinutes(10));
        }
        Assert.True(host.Runtime.IsActive(id)); // used every 10 min for an hour
        Assert.Equal(1, Probe.Constructions[key]);
    }

    [Fact]
    public void DeactivateOnIdle_deactivates_after_the_turn_and_the_next_call_reactivates_with_state()
    {
        using var host = TestHosts.Deterministic();
        var key = TestHosts.Key();
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
        host.Run(() => grain.Increment());
        host.Run(() => grain.DeactivateSoon());
        Assert.False(host.Runtime.IsActive(new GrainId("counter", key)));
        Assert.Equal(2, host.Run(() => grain.Increment()));
        Assert.Equal(2, Probe.Constructions[key]);
    }

    [Fact]
    public async Task Calls_arriving_during_deactivation_go_to_a_new_activation()
    {
        await using var host = await TestHosts.Live();
        var key = TestHosts.Key();
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Increment();
        var deactivation = host.Runtime.DeactivateAsync(new GrainId("counter", key));
        var during = Enumerable.Range(0, 50).Select(_ => grain.Increment()).ToArray();
        await deactivation.Within();
        var results = await Task.WhenAll(during).Within();
        Assert.Equal(Enumerable.Range(2, 50), results.Order()); // none lost, none doubled
    }

    [Fact]
    public async Task Stopping_the_host_deactivates_every_grain_and_flushes_state()
    {
        var storage = new MemoryGrainStorage();
        var host = await TestHosts.Live(b => b.UseStorage(storage));
        var keys = Enumerable.Range(0, 20).Select(_ => TestHosts.Key()).ToList();
        foreach (var key in keys) await host.GrainFactory.GetGrain<ICounterGrain>(key).SetWithoutWriting(5);
        await host.StopAsync().Within();
        Assert.Equal(0, host.Runtime.ActivationCount);
        foreach (var key in keys)
            Assert.Equal(5, (await storage.ReadAsync<CounterState>("counter", new GrainId("counter", key))).State!.Value);
    }

    [Fact]
    public void A_grain_with_an_unknown_constructor_service_is_refused_when_the_host_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => new Hosting.GrainHostBuilder().AddGrain<INeedsServiceGrain, NeedsServiceGrain>().BuildLive());
        Assert.Contains("parameter 'policy'", error.Message);
    }

    [Fact]
    public void Constructor_services_come_from_the_host_service_provider()
    {
        using var host = TestHosts.Deterministic();
        Assert.Equal("policy.example", host.Run(() => host.GrainFactory.GetGrain<INeedsServiceGrain>("x").Policy()).Host);
    }
}

public interface INeedsServiceGrain : IGrainWithStringKey
{
    Task<Uri> Policy();
}

public sealed class NeedsServiceGrain(Uri policy) : Grain, INeedsServiceGrain
{
    public Task<Uri> Policy() => Task.FromResult(policy);
}
