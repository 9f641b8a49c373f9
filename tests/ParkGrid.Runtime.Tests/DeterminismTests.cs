using NodaTime;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Scheduling;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class DeterminismTests
{
    private static (ulong Hash, long Turns, int Pokes) RunWanderers(ulong seed)
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.Seed = seed));
        const int peers = 20;
        host.Run(async () =>
        {
            for (var i = 0; i < peers; i++) await host.GrainFactory.GetGrain<IWandererGrain>("w" + i).Start(peers);
        });
        host.AdvanceBy(Duration.FromDays(2));
        var pokes = host.Run(async () =>
        {
            var total = 0;
            for (var i = 0; i < peers; i++) total += await host.GrainFactory.GetGrain<IWandererGrain>("w" + i).Pokes();
            return total;
        });
        return (host.TraceHash, host.TurnsExecuted, pokes);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace_and_another_seed_another()
    {
        var a = RunWanderers(7);
        var b = RunWanderers(7);
        var c = RunWanderers(8);
        Assert.Equal(a, b);
        Assert.True(a.Turns > 1000, $"only {a.Turns} turns ran");
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Fact]
    public void Turns_are_counted_by_grain_type_and_add_up_to_all_turns()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromDays(1)));
        var timer = host.GrainFactory.GetGrain<ITimerGrain>("t");
        var ping = host.GrainFactory.GetGrain<IPingGrain>("p");
        host.Run(() => timer.Start(Duration.FromHours(1), Duration.FromHours(1), keepAlive: true));
        host.Run(async () =>
        {
            for (var i = 0; i < 3; i++) await ping.Hello();
        });
        host.AdvanceBy(Duration.FromHours(10));
        var ticks = host.Run(() => timer.Ticks());

        var turns = host.TurnsByGrainType;
        Assert.Equal(10, ticks.Length);
        Assert.Equal(1 + 3, turns["ping"]);                      // its activation and three calls
        Assert.Equal(1 + 1 + ticks.Length + 1, turns["timer"]);  // activation, Start, the ticks, Ticks
        Assert.Equal(host.TurnsExecuted, turns.Values.Sum());
        Assert.DoesNotContain("counter", turns.Keys);            // registered, never called
    }

    [Fact]
    public void Random_streams_are_named_by_run_grain_and_purpose()
    {
        var streams = new RandomStreams(42);
        var id = new GrainId("enterprise", "xa-0001");
        var first = Enumerable.Range(0, 5).Select(_ => 0).Select(_ => streams.Get(id, "problems").NextDouble()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 5).Select(_ => streams.Get(id, "problems").NextDouble()).ToArray());

        var one = streams.Get(id, "problems");
        var sequence = Enumerable.Range(0, 4).Select(_ => one.Next(1000)).ToArray();
        Assert.NotEqual(sequence, Enumerable.Range(0, 4).Select(_ => streams.Get(id, "visits").Next(1000)).ToArray());
        Assert.NotEqual(streams.Get(id, "problems").NextDouble(), new RandomStreams(43).Get(id, "problems").NextDouble());
        Assert.NotEqual(streams.Get(id, "problems").NextDouble(), streams.Get(new GrainId("enterprise", "xa-0002"), "problems").NextDouble());
    }

    [Fact]
    public void A_kept_stream_continues_and_a_new_stream_starts_again_from_the_same_seed()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.Seed = 5));
        var dice = host.GrainFactory.GetGrain<IDiceGrain>("d");
        var fresh = host.Run(() => dice.Fresh("case/1"));
        Assert.Equal(fresh, host.Run(() => dice.Fresh("case/1")));          // not kept: the same first draw again
        Assert.Equal(fresh, host.Run(() => dice.Kept("case/1")));           // the same stream GetRandom starts
        Assert.NotEqual(fresh, host.Run(() => dice.Kept("case/1")));        // which the activation keeps and continues
        Assert.Equal(fresh, host.Run(() => dice.Fresh("case/1")));          // a new stream is not the kept one
        Assert.NotEqual(fresh, host.Run(() => dice.Fresh("case/2")));
        Assert.NotEqual(fresh, host.Run(() => host.GrainFactory.GetGrain<IDiceGrain>("e").Fresh("case/1")));
    }

    [Fact]
    public void Xoshiro_draws_are_uniform_enough()
    {
        var random = new Xoshiro256Random(1);
        var counts = new int[10];
        for (var i = 0; i < 100_000; i++) counts[random.Next(10)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500)); // ±5%: about 15 standard deviations
        var mean = Enumerable.Range(0, 100_000).Average(_ => random.NextDouble());
        Assert.InRange(mean, 0.49, 0.51);
    }

    [Fact]
    public void The_deterministic_host_refuses_calls_from_another_thread()
    {
        using var host = TestHosts.Deterministic();
        var error = Assert.Throws<AggregateException>(() => Task.Run(() => host.GrainFactory.GetGrain<ICounterGrain>("x").Get()).Wait());
        Assert.Contains("single-threaded", error.InnerException!.Message);
    }

    [Fact]
    public void The_deterministic_host_refuses_another_thread_even_for_an_idle_active_grain()
    {
        // An idle activation would run the call inline, on the caller's thread; the host takes no locks, so it must refuse first.
        using var host = TestHosts.Deterministic();
        var counter = host.GrainFactory.GetGrain<ICounterGrain>("x");
        host.Run(() => counter.Increment());
        var error = Assert.Throws<AggregateException>(() => Task.Run(() => counter.Increment()).Wait());
        Assert.Contains("single-threaded", error.InnerException!.Message);
        Assert.Equal(1, host.Run(() => counter.Get()));
    }

    [Fact]
    public void Virtual_time_does_not_move_backwards()
    {
        using var host = new GrainHostBuilder().AddGrain<ICounterGrain, CounterGrain>().BuildDeterministic(TestHosts.Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => host.AdvanceTo(TestHosts.Start - Duration.FromSeconds(1)));
    }
}
