using ParkGrid.Runtime;

namespace ParkGrid.Silo.Dashboard;

/// <summary>Serves the dashboard page (embedded in this assembly) at / and keeps latency profiling on while someone watches.</summary>
public static class DashboardEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard", "dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard.js", "dashboard/dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard.css", "dashboard/dashboard.css", "text/css; charset=utf-8"),
    ];

    public static void MapDashboard(this WebApplication app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(path, () => Results.Bytes(bytes, contentType)).ExcludeFromDescription();
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"The dashboard resource {resource} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// Latency profiling costs two clock reads per call; nobody needs it while no dashboard is open. Every
/// statistics request counts as watching; after a quiet minute profiling goes off, and the next request
/// turns it back on (calls are counted throughout).
/// </summary>
public sealed class ProfilingSwitch(GrainRuntime runtime) : BackgroundService
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(1);
    private long _lastWatched = Environment.TickCount64;

    public void Watched()
    {
        Interlocked.Exchange(ref _lastWatched, Environment.TickCount64);
        runtime.Statistics.LatencyProfiling = true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(stoppingToken))
            if (Environment.TickCount64 - Interlocked.Read(ref _lastWatched) > QuietPeriod.TotalMilliseconds)
                runtime.Statistics.LatencyProfiling = false;
    }
}
