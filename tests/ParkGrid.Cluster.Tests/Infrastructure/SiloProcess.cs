using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace ParkGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// A ParkGrid silo as a child process (dotnet src/ParkGrid.Silo/bin/…/ParkGrid.Silo.dll), so a test can SIGKILL it.
/// Its output is kept for the test's failure message.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloProcess(Process process, string name, Uri address)
    {
        _process = process;
        Name = name;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue("! " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public Uri Address { get; }
    public HttpClient Http { get; }
    public bool HasExited => _process.HasExited;
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(200));

    public static Task<SiloProcess> StartAsync(string name, string store, string cluster, params string[] extra) =>
        StartAsync(name, FreePort(), store, cluster, extra);

    public static async Task<SiloProcess> StartAsync(string name, int port, string store, string cluster, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly)!,
        };
        info.ArgumentList.Add(SiloAssembly);
        foreach (var a in new[] { "--urls", $"http://127.0.0.1:{port}", "--store", store, "--cluster", cluster, "--silo-name", name }.Concat(extra))
            info.ArgumentList.Add(a);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__ParkGrid.Cluster"] = "Information";
        var silo = new SiloProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start a silo"), name, new Uri($"http://127.0.0.1:{port}/"));
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (silo.HasExited) throw new InvalidOperationException($"silo {name} exited with {silo._process.ExitCode}:{Environment.NewLine}{silo.Output}");
            try
            {
                using var health = await silo.Http.GetAsync("health");
                if (health.IsSuccessStatusCode) return silo;
            }
            catch (HttpRequestException) { }
            if (started.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"silo {name} did not answer /health within 60 s:{Environment.NewLine}{silo.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>src/ParkGrid.Silo/bin/&lt;configuration&gt;/net10.0/ParkGrid.Silo.dll, built with this project.</summary>
    public static string SiloAssembly
    {
        get
        {
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = baseDir.Name;
            var configuration = baseDir.Parent!.Name;
            var root = baseDir.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(root, "src", "ParkGrid.Silo", "bin", configuration, framework, "ParkGrid.Silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The silo is not built at {path}.", path);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>GET /api/cluster: this silo's view.</summary>
    public async Task<JsonElement> ClusterAsync() => await Http.GetFromJsonAsync<JsonElement>("api/cluster");

    public async Task<IReadOnlyList<int>> ServingAsync() =>
        (await ClusterAsync()).GetProperty("serving").EnumerateArray().Select(e => e.GetInt32()).ToList();

    public async Task<string> SiloIdAsync() => (await ClusterAsync()).GetProperty("silo").GetString()!;

    /// <summary>Waits until the silos serve every one of the <paramref name="partitions"/> exactly once between them, each some.</summary>
    public static Task WaitForSplitAsync(IReadOnlyList<SiloProcess> silos, TimeSpan limit, int partitions = 64) =>
        PartitionSplit.WaitAsync(() => Task.WhenAll(silos.Select(s => s.ServingAsync())), limit, string.Join(", ", silos.Select(s => s.Name)), partitions);

    /// <summary>SIGKILL: no shutdown, no flush, no leaving the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        Http.Dispose();
        _process.Dispose();
    }
}
