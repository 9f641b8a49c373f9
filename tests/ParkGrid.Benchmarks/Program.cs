using System.Diagnostics;
using System.Runtime;
using System.Threading.Channels;
using NodaTime;
using ParkGrid.Benchmarks;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Metrics;

// Runtime benchmarks. Each figure is printed beside the same work done without the runtime, so the ratio
// shows the runtime's overhead. Usage: dotnet run -c Release --project tests/ParkGrid.Benchmarks [-- live|unprofiled|queued|deterministic|memory] [--seconds N]

var which = args.Where(a => !a.StartsWith("--") && !int.TryParse(a, out _)).ToHashSet(StringComparer.OrdinalIgnoreCase);
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(3);
bool Run(string name) => which.Count == 0 || which.Contains(name);

Console.WriteLine($"ParkGrid runtime benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                  $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {(Debugger.IsAttached ? "DEBUGGER" : "no debugger")}, " +
                  $"{(typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).Cast<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled) ? "DEBUG BUILD (numbers are meaningless)" : "optimized")}");
Console.WriteLine();

if (Run("live")) await Live.Calls(seconds, inline: true);
if (Run("unprofiled")) await Live.Calls(seconds, inline: true, profiling: false);
if (Run("queued")) await Live.Calls(seconds, inline: false);
if (Run("deterministic")) Deterministic.Turns();
if (Run("memory")) Memory.PerActivation();

static class Report
{
    public static void Row(string what, double value, string unit, double? baseline = null, string? baselineWhat = null)
    {
        var line = $"  {what,-52} {value,14:N0} {unit}";
        if (value < 100) line = $"  {what,-52} {value,14:N2} {unit}";
        if (baseline is { } b) line += $"   | baseline {baselineWhat}: {b:N0} {unit} (runtime/baseline = {value / b:P0})";
        Console.WriteLine(line);
    }

    public static void Latency(string what, HistogramSnapshot s) =>
        Console.WriteLine($"  {what,-52} p50 {s.Percentile(0.5).TotalMicroseconds,8:N2} µs   p99 {s.Percentile(0.99).TotalMicroseconds,8:N2} µs   ({s.Count:N0} calls)");
}

static class Live
{
    private const int Grains = 1000;

    /// <summary>Warm activations on the live host, called from concurrent callers for a fixed time.</summary>
    public static async Task Calls(int seconds, bool inline, bool profiling = true)
    {
        var callers = inline ? Environment.ProcessorCount : 64;
        Console.WriteLine(inline
            ? $"Live host, warm activations, inline turns (the default): {callers} callers × {Grains} grains, {seconds} s" +
              (profiling ? "" : " — latency profiling OFF (as when no dashboard watches; calls still counted)")
            : $"Live host, warm activations, every call queued through the mailbox and the thread pool: {callers} callers × {Grains} grains, {seconds} s");
        await using var host = new GrainHostBuilder().AddGrain<IBenchGrain, BenchGrain>()
            .Configure(o => o.InlineTurns = inline).BuildLive();
        host.Runtime.Statistics.LatencyProfiling = profiling;
        await host.StartAsync();
        var refs = Enumerable.Range(0, Grains).Select(i => host.GrainFactory.GetGrain<IBenchGrain>("g" + i)).ToArray();
        foreach (var r in refs) await r.Ping(0);

        var (rate, latency) = await Measure(seconds, callers, refs.Length, (i, v) => refs[i].Ping(v));

        // Baseline: the same grain objects called directly (inline), or through a bare channel ping-pong (queued).
        var plain = Enumerable.Range(0, Grains).Select(_ => new BenchGrain()).ToArray();
        double baseline;
        string baselineWhat;
        if (inline)
        {
            (baseline, _) = await Measure(seconds, callers, plain.Length, (i, v) => plain[i].Ping(v));
            baselineWhat = "direct method call";
        }
        else
        {
            var channel = Channel.CreateUnbounded<(int Grain, int Value, TaskCompletionSource<int> Reply)>(new UnboundedChannelOptions { SingleReader = false });
            using var cts = new CancellationTokenSource();
            var consumers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(async () =>
            {
                try
                {
                    await foreach (var (g, v, reply) in channel.Reader.ReadAllAsync(cts.Token))
                        lock (plain[g]) reply.SetResult(plain[g].Ping(v).Result);
                }
                catch (OperationCanceledException) { }
            })).ToArray();
            (baseline, _) = await Measure(seconds, callers, plain.Length, (i, v) =>
            {
                var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.Writer.TryWrite((i, v, reply));
                return reply.Task;
            });
            cts.Cancel();
            await Task.WhenAll(consumers);
            baselineWhat = "bare channel ping-pong";
        }
        Report.Row("grain calls per second", rate, "calls/s", baseline, baselineWhat);
        Report.Latency("call latency", latency);
        Console.WriteLine();
    }

    private static async Task<(double Rate, HistogramSnapshot Latency)> Measure(int seconds, int callers, int grains, Func<int, int, Task<int>> call)
    {
        var histogram = new LatencyHistogram();
        long total = 0;
        var stop = 0;
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            long n = 0;
            var i = c * 7919;
            while (Volatile.Read(ref stop) == 0)
            {
                for (var k = 0; k < 128; k++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await call((i += 13) % grains, 1);
                    histogram.Record(Stopwatch.GetTimestamp() - start, false);
                }
                n += 128;
            }
            Interlocked.Add(ref total, n);
        })).ToArray();
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(tasks);
        return (total / watch.Elapsed.TotalSeconds, histogram.Snapshot());
    }
}

static class Deterministic
{
    public static void Turns()
    {
        Console.WriteLine("Deterministic host, one thread, virtual clock");
        var start = Instant.FromUtc(2026, 1, 1, 0, 0);
        const int grains = 10_000;

        // 1. Driver calls: every call is a turn run inline; the grains in turn, so their objects stay in the caches.
        DriverCalls("turns per second, calls from a driver", start, grains, Enumerable.Range(0, 10_000_000).Select(i => i % grains).ToArray());

        // 2. Timer ticks that each call another grain: events through the (time, sequence) queue.
        using (var host = new GrainHostBuilder().AddGrain<IBenchGrain, BenchGrain>().Configure(o => o.CollectionAge = Duration.FromDays(30)).BuildDeterministic(start))
        {
            host.Run(async () =>
            {
                for (var i = 0; i < grains; i++) await host.GrainFactory.GetGrain<IBenchGrain>("g" + i).StartTicking(grains, Duration.FromMinutes(1));
            });
            var before = host.TurnsExecuted;
            var watch = Stopwatch.StartNew();
            host.AdvanceBy(Duration.FromHours(6));
            var turns = host.TurnsExecuted - before;
            Report.Row($"turns per second, timer ticks calling a grain ({grains:N0} timers, 6 virtual h)", turns / watch.Elapsed.TotalSeconds, "turns/s");
            Report.Row("  virtual days per wall second", 0.25 / watch.Elapsed.TotalSeconds, "days/s");
        }

        // 3. Driver calls to activations picked at random: the cost of a turn once its objects are no longer in the caches.
        // A simulation touches its grains in no useful order; the province scenario has ~10^5 of them, the national ~10^6.
        foreach (var count in new[] { 10_000, 100_000, 1_000_000 })
            DriverCalls($"turns per second, calls to grains picked at random among {count:N0}", start, count, RandomOrder(count, 5_000_000));
        Console.WriteLine();
    }

    /// <summary>Calls <paramref name="grains"/> activations in the given order from a driver, then the same grain objects
    /// directly in the same order (the baseline), and prints both rates.</summary>
    private static void DriverCalls(string what, Instant start, int grains, int[] order)
    {
        using var host = new GrainHostBuilder().AddGrain<IBenchGrain, BenchGrain>()
            .Configure(o => o.CollectionAge = Duration.FromDays(30)).BuildDeterministic(start); // no grain leaves mid-run
        var refs = Enumerable.Range(0, grains).Select(i => host.GrainFactory.GetGrain<IBenchGrain>("g" + i)).ToArray();
        host.Run(async () => { foreach (var r in refs) await r.Ping(0); });
        var before = host.TurnsExecuted;
        var watch = Stopwatch.StartNew();
        host.Run(async () =>
        {
            foreach (var i in order) await refs[i].Ping(1);
        });
        var rate = (host.TurnsExecuted - before) / watch.Elapsed.TotalSeconds;

        var plain = Enumerable.Range(0, grains).Select(_ => new BenchGrain()).ToArray();
        watch.Restart();
        Baseline(plain, order).GetAwaiter().GetResult();
        var baseline = order.Length / watch.Elapsed.TotalSeconds;
        Report.Row(what, rate, "turns/s", baseline, "direct method call");
    }

    private static async Task Baseline(BenchGrain[] plain, int[] order)
    {
        foreach (var i in order) await plain[i].Ping(1);
    }

    private static int[] RandomOrder(int count, int calls)
    {
        var random = new Random(42); // the benchmark's driver, not a grain: a fixed seed is all it needs
        var order = new int[calls];
        for (var i = 0; i < calls; i++) order[i] = random.Next(count);
        return order;
    }
}

static class Memory
{
    public static void PerActivation()
    {
        const int n = 100_000;
        Console.WriteLine($"Memory per idle activation of a small grain ({n:N0} activations, no persistent state)");
        using var host = new GrainHostBuilder().AddGrain<IBenchGrain, BenchGrain>().BuildDeterministic(Instant.FromUtc(2026, 1, 1, 0, 0));
        host.Run(async () => { await host.GrainFactory.GetGrain<IBenchGrain>("warm").Ping(0); });
        var before = Settle();
        host.Run(async () =>
        {
            for (var i = 0; i < n; i++) await host.GrainFactory.GetGrain<IBenchGrain>("g" + i).Ping(1);
        });
        var after = Settle();
        var perActivation = (after - before) / (double)n;

        // Baseline: the grain objects alone, held in an array, with their keys (the grain's own footprint).
        var before2 = Settle();
        var plain = new (string, BenchGrain)[n];
        for (var i = 0; i < n; i++) plain[i] = ("g" + i, new BenchGrain());
        var after2 = Settle();
        GC.KeepAlive(plain);
        var perObject = (after2 - before2) / (double)n;
        Report.Row("bytes per activation, total", perActivation, "B");
        Report.Row("bytes of the grain object and its key alone", perObject, "B");
        Report.Row("runtime overhead per idle activation", perActivation - perObject, "B");
        Console.WriteLine($"  (activations alive: {host.Runtime.ActivationCount:N0})");
        Console.WriteLine();
    }

    private static long Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
