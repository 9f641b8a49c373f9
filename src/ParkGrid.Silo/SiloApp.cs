using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Grains;
using ParkGrid.Persistence.AdoNet;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Json;
using ParkGrid.Runtime.Scheduling;
using ParkGrid.Silo.Gateway;

namespace ParkGrid.Silo;

/// <summary>A running silo: the web app, the grain host and the store behind it.</summary>
public sealed class Silo(WebApplication app, LiveHost host, AdoNetStore store, bool isDemo, double timeScale) : IAsyncDisposable
{
    public bool IsDemo { get; } = isDemo;
    public double TimeScale { get; } = timeScale;
    public WebApplication App { get; } = app;
    public LiveHost Host { get; } = host;
    public AdoNetStore Store { get; } = store;
    public IGrainFactory GrainFactory => Host.GrainFactory;

    /// <summary>The addresses Kestrel listens on (after start).</summary>
    public IReadOnlyList<string> Urls => App.Urls.ToList();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Builds the silo from command-line and configuration values:
/// <c>--store</c> (a SQLite file, the default <c>.parkgrid/parkgrid.db</c>, or a PostgreSQL connection string),
/// <c>--urls</c> (default http://127.0.0.1:5080: loopback unless told otherwise),
/// <c>--time-scale</c> (virtual seconds per real second, for demos; default 1, or 86400 with <c>--demo</c>),
/// <c>--demo</c> (load a demo network and keep it busy).
/// </summary>
public static class SiloApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string DefaultStore = ".parkgrid/parkgrid.db";
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static async Task<Silo> CreateAsync(string[] args, Action<GrainHostBuilder>? configureGrains = null)
    {
        var builder = WebApplication.CreateBuilder(SiloArguments.Normalize(args));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            ParkGridJson.AddNodaTimeConverters(o.SerializerOptions.Converters);
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var storeSpec = builder.Configuration["store"];
        if (string.IsNullOrWhiteSpace(storeSpec))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(DefaultStore))!);
            storeSpec = DefaultStore;
        }
        var store = await AdoNetStore.OpenAsync(storeSpec);

        // --demo: a demo network driven on a clock of one virtual day per second unless --time-scale says otherwise.
        var demo = builder.Configuration.GetValue("demo", false);
        var timeScale = builder.Configuration.GetValue("time-scale", demo ? 86_400.0 : 1.0);
        if (timeScale <= 0) throw new ArgumentOutOfRangeException("time-scale", timeScale, "--time-scale must be positive (virtual seconds per real second).");
        IClock clock = timeScale == 1.0 ? SystemClock.Instance : new ScaledClock(SystemClock.Instance.GetCurrentInstant(), timeScale);

        // Years without a published holiday schedule count weekends only: a live silo cannot refuse deadlines
        // that run into next year. Said at start, so nobody mistakes it for the official schedule.
        var events = new EventHub();
        var grainHost = new GrainHostBuilder()
            .AddParkGridGrains(new ParkGridServices(OutOfRangeBehavior.AssumeWeekendsOnly, events: events))
            .UseStorage(store.GrainStorage)
            .UseReminderTable(store.ReminderTable);
        configureGrains?.Invoke(grainHost);
        // Built from the app's services so that the runtime logs where ASP.NET logs.
        builder.Services.AddSingleton(sp => grainHost.UseLogger(sp.GetRequiredService<ILoggerFactory>().CreateLogger("ParkGrid.Runtime")).BuildLive(clock));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<LiveHost>().Runtime);
        builder.Services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<LiveHost>().Runtime);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<GrainGateway>();
        builder.Services.AddSingleton(events);
        builder.Services.AddSingleton<Dashboard.ProfilingSwitch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Dashboard.ProfilingSwitch>());
        builder.Services.AddHostedService<GrainHostService>();
        builder.Services.AddSingleton(clock);
        if (demo) builder.Services.AddHostedService<Demo.DemoDriver>();

        var app = builder.Build();
        var host = app.Services.GetRequiredService<LiveHost>();
        app.UseGrainExceptionAnswers();
        app.MapOpenApi();
        MapRuntimeEndpoints(app, store);
        app.MapDomainEndpoints();
        Dashboard.DashboardEndpoints.MapDashboard(app);
        return new Silo(app, host, store, demo, timeScale);
    }

    private static void MapRuntimeEndpoints(WebApplication app, AdoNetStore store)
    {
        var started = DateTimeOffset.UtcNow;
        app.MapGet("/health", (GrainRuntime runtime) => Results.Ok(new
        {
            status = "ok",
            store = store.Describe(),
            activations = runtime.ActivationCount,
            clock = runtime.Clock.GetCurrentInstant(),
            uptimeSeconds = (long)(DateTimeOffset.UtcNow - started).TotalSeconds,
            version = typeof(SiloApp).Assembly.GetName().Version?.ToString(),
        })).WithTags("runtime").WithSummary("Liveness, store and clock of this silo");

        app.MapGet("/api/runtime/statistics", (GrainRuntime runtime, Dashboard.ProfilingSwitch profiling) =>
        {
            profiling.Watched();
            return Results.Ok(new
        {
            activationsByType = runtime.Statistics.ActivationsByType,
            latencyProfiling = runtime.Statistics.LatencyProfiling,
            remindersDue = runtime.Statistics.RemindersDue,
            remindersFired = runtime.Statistics.RemindersFired,
            callTimeouts = runtime.Statistics.CallTimeouts,
            methods = runtime.Statistics.Methods().Select(m => new
            {
                m.GrainType, m.Method, m.Calls, m.Failures,
                meanMicroseconds = m.Mean.TotalMicroseconds, p50Microseconds = m.P50.TotalMicroseconds, p99Microseconds = m.P99.TotalMicroseconds,
            }),
        });
        }).WithTags("runtime").WithSummary("Calls, failures and latency per grain type and method; activations; reminders");

        app.MapGet("/api/grains", (GrainGateway gateway) => Results.Ok(gateway.Describe()))
            .WithTags("grains").WithSummary("Grain types and their methods");

        app.MapPost("/api/grains/{grainType}/{key}/{method}", (string grainType, string key, string method, HttpRequest request, GrainGateway gateway) =>
                gateway.CallAsync(grainType, key, method, request))
            .WithTags("grains").WithSummary("Calls a grain method; the body is a JSON array of arguments or an object keyed by parameter name");
    }

    /// <summary>Starts the grain host with the web app and, on shutdown (Ctrl-C), deactivates every grain and flushes its state.</summary>
    private sealed class GrainHostService(LiveHost host, AdoNetStore store, ILogger<GrainHostService> logger) : IHostedService
    {
        private int _stopped;

        public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync();

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1) return; // the app may be stopped twice (Ctrl-C, then dispose)
            logger.LogInformation("Deactivating {Count} grains and flushing their state", host.Runtime.ActivationCount);
            await host.StopAsync();
            await store.DisposeAsync();
        }
    }
}
