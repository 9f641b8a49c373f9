using System.Diagnostics.Metrics;
using ParkGrid.Runtime.Metrics;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class StatisticsTests
{
    [Fact]
    public async Task Calls_failures_latency_and_activations_are_counted_per_grain_type_and_method()
    {
        await using var host = await TestHosts.Live();
        for (var i = 0; i < 3; i++) await host.GrainFactory.GetGrain<ICounterGrain>(TestHosts.Key()).Increment();
        await Assert.ThrowsAsync<ArgumentException>(() => host.GrainFactory.GetGrain<ICounterGrain>(TestHosts.Key()).Fail("x"));

        var increment = host.Runtime.Statistics.Methods().Single(m => m.GrainType == "counter" && m.Method == "Increment");
        Assert.Equal(3, increment.Calls);
        Assert.Equal(0, increment.Failures);
        Assert.True(increment.P99 >= increment.P50 && increment.P50 > TimeSpan.Zero);
        Assert.Equal(4, host.Runtime.Statistics.ActivationsByType["counter"]);
    }

    [Fact]
    public async Task Statistics_are_published_through_System_Diagnostics_Metrics()
    {
        await using var host = await TestHosts.Live();
        await host.GrainFactory.GetGrain<ICounterGrain>(TestHosts.Key()).Increment();
        var seen = new List<(string Instrument, object Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeStatistics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Contains(seen, s => s.Instrument == "parkgrid.grain.calls" && s.Tags == "grain_type=counter,method=Increment" && (long)s.Value >= 1);
        Assert.Contains(seen, s => s.Instrument == "parkgrid.grain.activations" && s.Tags == "grain_type=counter");
    }

    [Fact]
    public async Task Calls_are_counted_but_not_timed_while_latency_profiling_is_off()
    {
        await using var host = await TestHosts.Live();
        var grain = host.GrainFactory.GetGrain<ICounterGrain>(TestHosts.Key());
        host.Runtime.Statistics.LatencyProfiling = false;
        for (var i = 0; i < 5; i++) await grain.Get();
        var get = host.Runtime.Statistics.Methods().Single(m => m.GrainType == "counter" && m.Method == "Get");
        Assert.Equal(5, get.Calls);
        Assert.Equal(TimeSpan.Zero, get.P99); // nothing timed

        host.Runtime.Statistics.LatencyProfiling = true;
        await grain.Get();
        get = host.Runtime.Statistics.Methods().Single(m => m.GrainType == "counter" && m.Method == "Get");
        Assert.Equal(6, get.Calls);
        Assert.True(get.P99 > TimeSpan.Zero);
    }

    [Fact]
    public void Histogram_buckets_bound_the_relative_error()
    {
        foreach (var ticks in new long[] { 5, 17, 1000, 123_456, 98_765_432 })
        {
            var mid = LatencyHistogram.BucketMidpoint(LatencyHistogram.BucketOf(ticks));
            Assert.InRange(mid / ticks, 0.8, 1.2);
        }
    }
}
