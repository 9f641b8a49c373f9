using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ParkGrid.Client;
using ParkGrid.Grains;

// Gateway benchmarks, from a second process over loopback. The silo runs as its own process
// (dotnet ParkGrid.Silo.dll --urls http://127.0.0.1:<port> --store <temp>); a bare Kestrel endpoint returning a
// constant runs as a third process (this program in --bare-server mode). Every scenario runs N concurrent loops for
// a fixed time (and at most a fixed number of requests each) and prints requests/s and latency percentiles beside
// the bare endpoint's, with the ratio (target: at least 0.5 of bare Kestrel).
//
// Usage: dotnet run -c Release --project tests/ParkGrid.Silo.Benchmarks [-- --seconds 5 --rounds 3 --warmup 3 --concurrency 16]
//        dotnet parkgrid-bench.dll --bare-server <port>     (started by the benchmark itself)

if (args.Length >= 2 && args[0] == "--bare-server")
{
    await BareServer.RunAsync(int.Parse(args[1]));
    return 0;
}

var seconds = Arg("--seconds", 5);
var concurrency = Arg("--concurrency", 16);
var maxPerLoop = Arg("--max-requests", 2_000_000);
var roundCount = Arg("--rounds", 3);
var warmup = Arg("--warmup", 3);
int Arg(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();

var optimized = !typeof(BareServer).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).Cast<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled);
Console.WriteLine($"ParkGrid gateway benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                  $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {(optimized ? "optimized" : "DEBUG BUILD (numbers are meaningless)")}");
Console.WriteLine($"{concurrency} concurrent loops per scenario, {roundCount} interleaved rounds of {seconds} s after a {warmup} s warm-up (median round shown), " +
                  $"at most {maxPerLoop:N0} requests per loop; loopback only.");
Console.WriteLine();

var dir = Directory.CreateTempSubdirectory("parkgrid-bench-").FullName;
var siloPort = FreePort();
var barePort = FreePort();
var siloDll = Path.Combine(AppContext.BaseDirectory, "ParkGrid.Silo.dll");
var selfDll = typeof(BareServer).Assembly.Location;
using var silo = Processes.Start(siloDll, "--urls", $"http://127.0.0.1:{siloPort}", "--store", Path.Combine(dir, "silo.db"));
using var bare = Processes.Start(selfDll, "--bare-server", barePort.ToString());
try
{
    var siloUri = new Uri($"http://127.0.0.1:{siloPort}/");
    var bareUri = new Uri($"http://127.0.0.1:{barePort}/");
    await Processes.WaitUntilAnsweringAsync(siloUri, "health", silo);
    await Processes.WaitUntilAnsweringAsync(bareUri, "health", bare);

    // Seed one park through the cluster client.
    using var client = await ParkGridClient.ConnectAsync(siloUri);
    const string parkId = "bench-park";
    await client.GetGrain<IDistrictGrain>("bench-district").Configure(new DistrictSetup("Bench district"));
    await client.GetGrain<IDistrictGrain>("bench-district").AddPark(parkId, "Bench park 基准园区");

    using var http = Load.NewHttpClient(concurrency);
    var parkRoute = $"api/parks/{parkId}";
    var hasParkRoute = (await http.GetAsync(new Uri(siloUri, parkRoute))).StatusCode == HttpStatusCode.OK;
    var park = client.GetGrain<IParkGrain>(parkId);

    var scenarios = new List<(string Name, Func<Task> Call)>
    {
        ("bare Kestrel: GET /parks/bench-park (constant JSON)", () => Load.GetAsync(http, new Uri(bareUri, "parks/" + parkId))),
    };
    if (hasParkRoute)
        scenarios.Add(($"silo: GET /{parkRoute} (REST route)", () => Load.GetAsync(http, new Uri(siloUri, parkRoute))));
    else
        Console.WriteLine($"(the silo serves no GET /{parkRoute}: measuring the generic grain call instead)");
    scenarios.Add(($"silo: POST /api/grains/park/{parkId}/GetInfo (generic)", () => Load.PostAsync(http, new Uri(siloUri, $"api/grains/park/{parkId}/GetInfo"), "[]")));
    scenarios.Add(("silo: ParkGridClient IParkGrain.GetInfo() (typed proxy)", () => park.GetInfo()));

    scenarios.Add(("  same call, body sent chunked as ParkGridClient sends it", () => Load.PostChunkedAsync(http, new Uri(siloUri, $"api/grains/park/{parkId}/GetInfo"))));

    // Rounds interleave the scenarios, so a burst of other work on a shared machine hits all of them alike;
    // each scenario's figure is its median round (by requests/s).
    var rounds = new List<Load.Result>[scenarios.Count];
    for (var s = 0; s < scenarios.Count; s++) rounds[s] = [];
    // Warm-up: long enough for tiered JIT to reach optimized code in all three processes.
    foreach (var (_, call) in scenarios) await Load.RunAsync(call, concurrency, TimeSpan.FromSeconds(warmup), maxPerLoop);
    for (var round = 1; round <= roundCount; round++)
    {
        Console.Write($"round {round}/{roundCount}:");
        for (var s = 0; s < scenarios.Count; s++)
        {
            var r = await Load.RunAsync(scenarios[s].Call, concurrency, TimeSpan.FromSeconds(seconds), maxPerLoop);
            rounds[s].Add(r);
            Console.Write($" {r.RequestsPerSecond:N0}");
        }
        Console.WriteLine(" req/s");
    }
    Console.WriteLine();
    var results = new List<(string Name, Load.Result Result)>();
    for (var s = 0; s < scenarios.Count; s++)
    {
        var result = rounds[s].OrderBy(r => r.RequestsPerSecond).ElementAt(rounds[s].Count / 2);
        var (name, _) = scenarios[s];
        results.Add((name, result));
        Console.WriteLine($"  {name,-62} {result.RequestsPerSecond,10:N0} req/s   p50 {result.P50Microseconds,8:N0} µs   p99 {result.P99Microseconds,8:N0} µs   ({result.Requests:N0} requests, {rounds[s].Sum(r => r.Errors)} errors)");
    }
    Console.WriteLine();
    var baseline = results[0].Result;
    Console.WriteLine("Ratio to bare Kestrel (requests/s; target ≥ 0.50):");
    foreach (var (name, result) in results.Skip(1))
        Console.WriteLine($"  {name,-62} {result.RequestsPerSecond / baseline.RequestsPerSecond,6:0.00}   {(result.RequestsPerSecond / baseline.RequestsPerSecond >= 0.5 ? "meets" : "BELOW")} target;  p99 {result.P99Microseconds / baseline.P99Microseconds:0.0}× bare");
    return rounds.Any(r => r.Any(x => x.Errors > 0)) ? 1 : 0;
}
finally
{
    Processes.Stop(silo);
    Processes.Stop(bare);
    try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
}

static int FreePort()
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

/// <summary>The bare baseline: Kestrel with one MapGet returning a constant, no gateway, no grains.</summary>
static class BareServer
{
    private const string Constant = """{"id":"bench-park","districtId":"bench-district","name":"Bench park 基准园区","enterprises":0,"contactPoints":0,"casesTotal":0,"openCases":0,"overdueCases":0}""";

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateBuilder(["--urls", $"http://127.0.0.1:{port}"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/parks/{id}", (string id) => Results.Content(Constant, "application/json"));
        await app.StartAsync();
        // Bounded life: the benchmark stops this process; if it dies first, this one ends by itself.
        await Task.WhenAny(app.WaitForShutdownAsync(), Task.Delay(TimeSpan.FromMinutes(10)));
        await app.StopAsync();
    }
}

static class Processes
{
    public static Process Start(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // Both servers log warnings only (the silo's appsettings log Information); no per-request logging either way.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {dll}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{Path.GetFileNameWithoutExtension(dll)}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitUntilAnsweringAsync(Uri baseUri, string path, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The process for {baseUri} exited with {process.ExitCode} before answering.");
            try
            {
                if ((await http.GetAsync(new Uri(baseUri, path))).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{baseUri} did not answer within 60 s.");
    }

    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
    }
}

static class Load
{
    public sealed record Result(long Requests, long Errors, double RequestsPerSecond, double P50Microseconds, double P99Microseconds);

    public static HttpClient NewHttpClient(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
    }) { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task GetAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
    }

    public static async Task PostAsync(HttpClient http, Uri uri, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(uri, content);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A JSON body of unknown length (Transfer-Encoding: chunked), as System.Net.Http.Json's JsonContent sends it.</summary>
    public static async Task PostChunkedAsync(HttpClient http, Uri uri)
    {
        using var content = System.Net.Http.Json.JsonContent.Create(Array.Empty<object>());
        using var response = await http.PostAsync(uri, content);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
    }

    /// <summary>N loops, each calling back to back until the time is up or it made maxPerLoop calls.</summary>
    public static async Task<Result> RunAsync(Func<Task> call, int concurrency, TimeSpan duration, int maxPerLoop)
    {
        var latencies = new List<long>[concurrency];
        long errors = 0;
        var clock = Stopwatch.StartNew();
        var end = duration.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var loops = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<long>(1 << 16);
            for (var n = 0; n < maxPerLoop && clock.ElapsedTicks < end; n++)
            {
                var t0 = clock.ElapsedTicks;
                try
                {
                    await call();
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
                mine.Add(clock.ElapsedTicks - t0);
            }
        })).ToArray();
        await Task.WhenAll(loops);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Micro(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1_000_000.0 / Stopwatch.Frequency;
        return new Result(all.Length, errors, all.Length / elapsed, Micro(0.50), Micro(0.99));
    }
}
