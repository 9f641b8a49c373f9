using System.Diagnostics;
using System.Runtime;
using System.Text.Json;
using Npgsql;
using ParkGrid.Client;
using ParkGrid.Cluster.Tests.Infrastructure;
using ParkGrid.Clustering;
using ParkGrid.Grains;
using ParkGrid.Persistence.Testing;
using ParkGrid.Runtime;

// Cluster benchmarks. Silos run as their own processes (dotnet ParkGrid.Silo.dll --cluster …) against one private
// PostgreSQL (or PARKGRID_TEST_POSTGRES). For 1, 2 and 3 silos: concurrent client loops, spread over every silo's
// gateway, read enterprises and file cases for a fixed time; printed are calls/s, p50/p99 and the share of calls a
// silo forwarded to another. Then, with three silos, one is SIGKILLed a few times and the time until every partition
// is served again, and until a grain of the dead silo answers again, is printed (target: under 10 s).
//
// Usage: dotnet run -c Release --project tests/ParkGrid.Cluster.Benchmarks [-- --seconds 10 --concurrency 32 --kills 3]

var seconds = Arg("--seconds", 10);
var concurrency = Arg("--concurrency", 32);
var kills = Arg("--kills", 3);
int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();

var optimized = !typeof(Placement).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).Cast<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled);
Console.WriteLine($"ParkGrid cluster benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(optimized ? "optimized" : "DEBUG BUILD (numbers are meaningless)")}");
Console.WriteLine($"Every silo, PostgreSQL and this load generator share the machine; {concurrency} loops for {seconds} s per workload, spread over every silo's gateway.");
Console.WriteLine("Workloads: reads (IParkGrain.GetInfo of 16 parks spread over the partitions) only; and 90% reads + 10% case filings (ICaseGrain.Receive: a durable write plus reports to park, enterprise, district and department).");
Console.WriteLine("'forwarded' counts silo-to-silo calls per client call, including those grains make (a case reporting to its district).");
Console.WriteLine();

using var privateServer = Environment.GetEnvironmentVariable("PARKGRID_TEST_POSTGRES") is { Length: > 0 } ? null : PrivatePostgresServer.Start(Console.Out);
var admin = Environment.GetEnvironmentVariable("PARKGRID_TEST_POSTGRES") is { Length: > 0 } given ? given : privateServer!.ConnectionString;
const int Parks = 16, EnterprisesPerPark = 8;

Console.WriteLine("silos  workload         calls/s   p50 ms   p99 ms   forwarded   errors");
foreach (var count in new[] { 1, 2, 3 })
{
    var store = await CreateDatabaseAsync(admin);
    var silos = new List<SiloProcess>();
    try
    {
        for (var i = 1; i <= count; i++) silos.Add(await SiloProcess.StartAsync($"bench-{i}", store, "bench"));
        await SiloProcess.WaitForSplitAsync(silos, TimeSpan.FromSeconds(60));
        var clients = new List<ParkGridClient>();
        foreach (var silo in silos) clients.Add(await ParkGridClient.ConnectAsync(silo.Address));
        await TestNetwork.CreateAsync(clients[0], Parks, EnterprisesPerPark);
        await RunLoadAsync(clients, TimeSpan.FromSeconds(2), writeEvery: 0); // warm-up: activations, connections, JIT
        foreach (var (workload, writeEvery) in new[] { ("reads", 0), ("reads + 10% filings", 10) })
        {
            var forwardedBefore = await ForwardedAsync(silos);
            var result = await RunLoadAsync(clients, TimeSpan.FromSeconds(seconds), writeEvery);
            var forwarded = await ForwardedAsync(silos) - forwardedBefore;
            Console.WriteLine($"{count,5}  {workload,-19} {result.Calls / result.Elapsed.TotalSeconds,7:N0} {result.P50,8:0.00} {result.P99,8:0.00} {(double)forwarded / result.Calls,11:0.00} {result.Errors,8}");
        }
        foreach (var client in clients) client.Dispose();
    }
    finally
    {
        foreach (var silo in silos) await silo.DisposeAsync();
    }
}

Console.WriteLine();
Console.WriteLine($"Takeover after SIGKILL, three silos, default settings (heartbeat 1 s, lease 5 s), {kills} kills:");
{
    var store = await CreateDatabaseAsync(admin);
    var silos = new List<SiloProcess>();
    try
    {
        for (var i = 1; i <= 3; i++) silos.Add(await SiloProcess.StartAsync($"kill-{i}", store, "takeover"));
        await SiloProcess.WaitForSplitAsync(silos, TimeSpan.FromSeconds(60));
        using (var setup = await ParkGridClient.ConnectAsync(silos[0].Address)) await TestNetwork.CreateAsync(setup, Parks, EnterprisesPerPark);
        for (var k = 0; k < kills; k++)
        {
            var victim = silos[k % silos.Count];
            var survivors = silos.Where(s => s != victim).ToList();
            var partitions = await victim.ServingAsync();
            var probe = Enumerable.Range(0, Parks).Select(p => TestNetwork.Enterprise(p, 0))
                .First(e => partitions.Contains(Placement.PartitionOf(new GrainId("enterprise", e), 64)));
            using var client = await ParkGridClient.ConnectAsync(survivors[0].Address, new ParkGridClientOptions { CallTimeout = TimeSpan.FromSeconds(60) });
            await client.GetGrain<IEnterpriseGrain>(probe).GetSnapshot();

            var watch = Stopwatch.StartNew();
            victim.Kill();
            // The probe call waits inside the survivor's forwarder until the partition has an owner again.
            var answered = Task.Run(async () => { await client.GetGrain<IEnterpriseGrain>(probe).GetSnapshot(); return watch.Elapsed; });
            await SiloProcess.WaitForSplitAsync(survivors, TimeSpan.FromSeconds(60));
            var allServed = watch.Elapsed;
            var probeAnswered = await answered;
            Console.WriteLine($"  kill {k + 1}: {victim.Name} ({partitions.Count} partitions) — every partition served again after {allServed.TotalSeconds:0.00} s; " +
                              $"a call to {probe} (waiting through the takeover) answered after {probeAnswered.TotalSeconds:0.00} s");

            // Bring it back as a new generation and let the cluster rebalance before the next kill.
            var index = silos.IndexOf(victim);
            await victim.DisposeAsync();
            silos[index] = await SiloProcess.StartAsync(victim.Name, store, "takeover");
            await SiloProcess.WaitForSplitAsync(silos, TimeSpan.FromSeconds(60));
        }
    }
    finally
    {
        foreach (var silo in silos) await silo.DisposeAsync();
    }
}
return 0;

static async Task<string> CreateDatabaseAsync(string admin)
{
    var name = "parkgrid_bench_" + Guid.NewGuid().ToString("N")[..12];
    await using (var connection = new NpgsqlConnection(admin))
    {
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }
    return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
}

static async Task<long> ForwardedAsync(IEnumerable<SiloProcess> silos)
{
    long total = 0;
    foreach (var silo in silos) total += (await silo.ClusterAsync()).GetProperty("forwarded").GetInt64();
    return total;
}

async Task<LoadResult> RunLoadAsync(IReadOnlyList<ParkGridClient> clients, TimeSpan duration, int writeEvery)
{
    var latencies = new List<double>[concurrency];
    var errors = 0;
    var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var run = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(loop => Task.Run(async () =>
    {
        var client = clients[loop % clients.Count]; // every gateway gets its share, as behind a load balancer
        var mine = latencies[loop] = new List<double>(100_000);
        for (var i = 0; Stopwatch.GetTimestamp() < stopAt; i++)
        {
            var (p, n) = ((loop * 7 + i) % Parks, (loop + i) % EnterprisesPerPark);
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (writeEvery > 0 && i % writeEvery == writeEvery - 1)
                    await client.GetGrain<ICaseGrain>($"{TestNetwork.Park(p)}:bench-{loop}-{i}").Receive(TestNetwork.Clue(p, n, i));
                else
                    await client.GetGrain<IParkGrain>(TestNetwork.Park(p)).GetInfo();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e)
            {
                if (Interlocked.Increment(ref errors) <= 3) Console.Error.WriteLine($"  error: {e.GetType().Name}: {e.Message}");
            }
        }
    })));
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Percentile(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
    return new LoadResult(all.Length, run.Elapsed, Percentile(0.5), Percentile(0.99), errors);
}

internal sealed record LoadResult(long Calls, TimeSpan Elapsed, double P50, double P99, int Errors);
