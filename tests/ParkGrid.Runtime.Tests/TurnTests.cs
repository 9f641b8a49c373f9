using NodaTime;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class TurnTests
{
    [Fact]
    public async Task Turns_run_one_at_a_time_in_arrival_order()
    {
        await using var host = await TestHosts.Live();
        var grain = host.GrainFactory.GetGrain<ITurnGrain>(TestHosts.Key());
        var gate = TestHosts.Key("gate");
        // The first call waits on a gate; the others queue behind it in order.
        var calls = Enumerable.Range(0, 5).Select(i => grain.Write("w" + i, i == 0 ? gate : "")).ToList();
        await Task.Delay(50);
        Assert.False(calls[1].IsCompleted);
        Gates.Open(gate);
        await Task.WhenAll(calls).Within();

        var order = await grain.Order();
        Assert.Equal(["start w0", "end w0", "start w1", "end w1", "start w2", "end w2", "start w3", "end w3", "start w4", "end w4"], order);
        Assert.Equal(1, await grain.MaxConcurrent());
    }

    [Fact]
    public async Task Read_only_calls_interleave_with_each_other_but_not_with_writes()
    {
        await using var host = await TestHosts.Live();
        var grain = host.GrainFactory.GetGrain<ITurnGrain>(TestHosts.Key());
        var g1 = TestHosts.Key("gate");
        var g2 = TestHosts.Key("gate");
        var g3 = TestHosts.Key("gate");
        var r1 = grain.Read("r1", g1);
        var r2 = grain.Read("r2", g2);
        var w = grain.Write("w", g3);
        var r3 = grain.Read("r3", "");
        await TestHosts.Eventually(async () => (await grain.Order()).Length >= 2, "both reads started");
        await Task.Delay(50); // give the write a chance to start wrongly
        Assert.Equal(["start r1", "start r2"], await grain.Order()); // both reads running; the write waits
        Gates.Open(g2);
        Gates.Open(g1);
        await Task.WhenAll(r1, r2).Within();
        await Task.Delay(50);
        Assert.False(r3.IsCompleted); // a read queued behind a write does not overtake it
        Gates.Open(g3);
        await Task.WhenAll(w, r3).Within();

        var order = await grain.Order();
        Assert.Equal(["start r1", "start r2", "end r2", "end r1", "start w", "end w", "start r3", "end r3"], order);
        Assert.Equal(2, await grain.MaxConcurrent());
    }

    [Fact]
    public async Task Always_interleave_calls_run_while_a_turn_is_waiting()
    {
        await using var host = await TestHosts.Live();
        var grain = host.GrainFactory.GetGrain<ITurnGrain>(TestHosts.Key());
        var gate = TestHosts.Key("gate");
        var w = grain.Write("w", gate);
        await grain.Interleaved("x").Within();
        Assert.False(w.IsCompleted);
        Gates.Open(gate);
        await w.Within();
        Assert.Equal(["start w", "interleaved x", "end w"], await grain.Order());
    }

    [Fact]
    public async Task A_call_cycle_ends_with_a_clear_timeout_error()
    {
        await using var host = await TestHosts.Live(b => b.Configure(o => o.CallTimeout = Duration.FromMilliseconds(300)));
        var a = TestHosts.Key("a");
        var b = TestHosts.Key("b");
        // a.CallOther(b) → b.CallBack(a) → a.Hello(): a is busy waiting on b, so its Hello can never run.
        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => host.GrainFactory.GetGrain<IPingGrain>(a).CallOther(b).Within());
        Assert.Contains("call cycle", error.Message);
        Assert.Contains($"ping/{a}", error.Message);
        Assert.True(host.Runtime.Statistics.CallTimeouts >= 1);

        // The grains are usable afterwards.
        Assert.Equal($"hello from {a}", await host.GrainFactory.GetGrain<IPingGrain>(a).Hello().Within());
    }

    [Fact]
    public async Task A_call_cycle_through_an_always_interleave_method_completes()
    {
        await using var host = await TestHosts.Live(b => b.Configure(o => o.CallTimeout = Duration.FromSeconds(5)));
        var a = TestHosts.Key("a");
        var result = await host.GrainFactory.GetGrain<IPingGrain>(a).CallOtherInterleaved(TestHosts.Key("b")).Within();
        Assert.Equal($"hello from {a}", result);
    }

    [Fact]
    public void A_call_cycle_times_out_in_virtual_time_on_the_deterministic_host()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CallTimeout = Duration.FromSeconds(30)));
        var started = host.Now;
        var error = Assert.Throws<GrainCallTimeoutException>(() =>
            host.Run(() => host.GrainFactory.GetGrain<IPingGrain>("a").CallOther("b")));
        Assert.Contains("call cycle", error.Message);
        Assert.Equal(Duration.FromSeconds(30), host.Now - started);
    }

    [Fact]
    public async Task Queued_calls_complete_when_inline_turns_are_off()
    {
        await using var host = await TestHosts.Live(b => b.Configure(o => o.InlineTurns = false));
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(TestHosts.Key());
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => grain.Increment())).Within();
        Assert.Equal(Enumerable.Range(1, 100), results.Order());
        await Assert.ThrowsAsync<ArgumentException>(() => grain.Fail("queued failure").Within());
    }
}
