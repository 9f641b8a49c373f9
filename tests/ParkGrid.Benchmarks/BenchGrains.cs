using NodaTime;
using ParkGrid.Runtime;

namespace ParkGrid.Benchmarks;

public interface IBenchGrain : IGrainWithStringKey
{
    // Ticks of two grains that ping each other would otherwise deadlock (A's tick waits on B.Ping queued
    // behind B's tick, which waits on A.Ping): always-interleave is the Orleans way out of such a cycle.
    [AlwaysInterleave] Task<int> Ping(int value);
    Task StartTicking(int peers, Duration period);
}

/// <summary>A small grain: a counter. The same class serves as the no-runtime baseline.</summary>
public sealed class BenchGrain : Grain, IBenchGrain
{
    private int _count;

    public Task<int> Ping(int value)
    {
        _count += value;
        return Task.FromResult(_count);
    }

    public Task StartTicking(int peers, Duration period)
    {
        // Each tick calls another grain: a timer turn plus a grain-to-grain call, as simulation events are.
        var random = GetRandom("peer");
        RegisterGrainTimer(_ => GrainFactory.GetGrain<IBenchGrain>("g" + random.Next(peers)).Ping(1),
            new GrainTimerOptions(period, period, KeepAlive: true));
        return Task.CompletedTask;
    }
}
