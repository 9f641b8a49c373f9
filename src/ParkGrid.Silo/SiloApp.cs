using NodaTime;
using ParkGrid.Clustering;
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
        var normalized = SiloArguments.Normalize(args);
        var builder = WebApplication.CreateBuilder(normalized);
        // PARKGRID_* environment variables (containers) fill in what the command line leaves unset.
        var fromEnvironment = SiloArguments.FromEnvironment(Environment.GetEnvironmentVariable);
        foreach (var key in fromEnvironment.Keys.ToList())
            if (normalized.Any(a => a.Split('=', 2)[0].Equals("--" + key, StringComparison.OrdinalIgnoreCase))) fromEnvironment.Remove(key);
        builder.Configuration.AddInMemoryCollection(fromEnvironment);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Stopping flushes every activation's state (and, in a cluster, hands partitions over): give it longer than
        // ASP.NET's default 30 s. Container grace periods in deploy/ are longer still.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
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
        var clock = CreateClock(timeScale, builder.Configuration["clock-start"]);

        var clusterName = builder.Configuration["cluster"];
        var clustered = !string.IsNullOrWhiteSpace(clusterName);
        if (clustered && store.Backend != Persistence.AdoNet.AdoNetBackend.PostgreSql)
            throw new ArgumentException($"--cluster needs a PostgreSQL store (--store \"Host=…;Database=…;Username=…;Password=…\"): the silos share state, reminders and leases there. This silo's store is {store.Describe()}.");
        if (clustered && demo)
            throw new ArgumentException("--demo loads its network on one silo: start the demo without --cluster, or load data into a cluster through its gateway (parkgrid CLI or client).");
        foreach (var key in new[] { "advertise", "silo-name", "partitions" })
            if (!clustered && !string.IsNullOrWhiteSpace(builder.Configuration[key]))
                throw new ArgumentException($"--{key} only means something with --cluster <name>.");

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
        if (clustered)
        {
            var partitions = builder.Configuration.GetValue("partitions", 64);
            var configuration = builder.Configuration;
            // A singleton of the container, so that it is disposed with the app.
            builder.Services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(store.Options.ConnectionString));
            builder.Services.AddSingleton(sp =>
            {
                var options = new ClusterOptions
                {
                    ClusterName = clusterName!,
                    SiloName = configuration["silo-name"] is { Length: > 0 } name ? name : $"{System.Net.Dns.GetHostName()}-{ListenUrl(configuration).Port}",
                    Address = AdvertisedAddress(configuration),
                    Partitions = partitions,
                };
                return new ClusterAgent(options, sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), sp.GetRequiredService<LiveHost>().Runtime, sp.GetRequiredService<ILoggerFactory>().CreateLogger("ParkGrid.Cluster"));
            });
        }

        var app = builder.Build();
        var host = app.Services.GetRequiredService<LiveHost>();
        if (clustered) app.Services.GetRequiredService<ClusterAgent>(); // attaches its locator before the host starts
        app.UseGrainExceptionAnswers();
        app.MapOpenApi();
        MapRuntimeEndpoints(app, store);
        app.MapDomainEndpoints();
        Dashboard.DashboardEndpoints.MapDashboard(app);
        return new Silo(app, host, store, demo, timeScale);
    }

    /// <summary>The demo's scaled clock. With --clock-start every silo of a cluster computes the same virtual time: virtual = start + (now − start) × scale.</summary>
    private static IClock CreateClock(double timeScale, string? clockStart)
    {
        if (string.IsNullOrWhiteSpace(clockStart))
            return timeScale == 1.0 ? SystemClock.Instance : new ScaledClock(SystemClock.Instance.GetCurrentInstant(), timeScale);
        var parsed = NodaTime.Text.InstantPattern.ExtendedIso.Parse(clockStart);
        if (!parsed.Success) throw new FormatException($"--clock-start '{clockStart}' is not an instant like 2026-11-21T08:00:00Z: {parsed.Exception.Message}");
        var now = SystemClock.Instance.GetCurrentInstant();
        return new ScaledClock(parsed.Value + (now - parsed.Value) * timeScale, timeScale);
    }

    /// <summary>The first --urls address as a URI; ASP.NET's wildcard hosts (*, +) read as 0.0.0.0, i.e. listen-on-all.</summary>
    private static Uri ParseUrl(string text, string option)
    {
        if (!Uri.TryCreate(text.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri))
            throw new ArgumentException($"{option} '{text}' is not an absolute URL like http://silo-1:8080.");
        return uri;
    }

    private static Uri ListenUrl(IConfiguration configuration) => ParseUrl(
        (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0], "--urls");

    /// <summary>--advertise, or the first --urls address (the cluster refuses it if it is a listen-on-all address).</summary>
    private static Uri AdvertisedAddress(IConfiguration configuration)
    {
        var uri = configuration["advertise"] is { Length: > 0 } advertise ? ParseUrl(advertise, "--advertise") : ListenUrl(configuration);
        if (uri.Port == 0) throw new ArgumentException("--urls with port 0 picks a port at random: give the silo a fixed port, or --advertise, to join a cluster.");
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
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
            cluster = app.Services.GetService<ClusterAgent>() is { } agent
                ? new { name = agent.Options.ClusterName, silo = agent.SiloId, partitionsServed = agent.ServingPartitions().Count, partitions = agent.Options.Partitions }
                : null,
        })).WithTags("runtime").WithSummary("Liveness, store and clock of this silo");

        app.MapGet("/api/cluster", (IServiceProvider services) => services.GetService<ClusterAgent>() is { } agent
                ? Results.Ok(agent.Status())
                : Problems.NotFound("This silo runs alone (no --cluster): every grain is local.", "cluster"))
            .WithTags("runtime").WithSummary("This silo's view of its cluster: members, the partitions it serves, every partition's owner");

        app.MapGet("/api/cluster/placement/{grainType}/{key}", (string grainType, string key, IServiceProvider services) =>
        {
            if (services.GetService<ClusterAgent>() is not { } agent) return Problems.NotFound("This silo runs alone (no --cluster).", "cluster");
            var id = new GrainId(grainType, key);
            var partition = Placement.PartitionOf(id, agent.Options.Partitions);
            return Results.Ok(new { grain = id.ToString(), group = Placement.GroupOf(id), partition, owner = agent.OwnerOf(partition), local = agent.IsLocal(id), active = app.Services.GetRequiredService<GrainRuntime>().IsActive(id) });
        }).WithTags("runtime").WithSummary("Which partition a grain belongs to and which silo holds it");

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
                gateway.CallAsync(grainType, key, method, request, forwarded: request.Headers.ContainsKey(Client.GrainHttp.ForwardedHeader)))
            .WithTags("grains").WithSummary("Calls a grain method; the body is a JSON array of arguments or an object keyed by parameter name");
    }

    /// <summary>
    /// Starts the grain host with the web app and, on shutdown (Ctrl-C), deactivates every grain and flushes its state.
    /// In a cluster, the silo joins after the host started and leaves (handing its partitions over) before it stops.
    /// </summary>
    private sealed class GrainHostService(LiveHost host, AdoNetStore store, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<GrainHostService> logger) : IHostedService
    {
        private int _stopped;
        private ClusterAgent? Cluster => services.GetService<ClusterAgent>();

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await host.StartAsync();
            if (Cluster is { } cluster)
            {
                cluster.DeclaredDead += lifetime.StopApplication; // a silo declared dead must not go on serving; a restart rejoins
                await cluster.StartAsync(cancellationToken);
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1) return; // the app may be stopped twice (Ctrl-C, then dispose)
            if (Cluster is { } cluster) await cluster.DisposeAsync();
            logger.LogInformation("Deactivating {Count} grains and flushing their state", host.Runtime.ActivationCount);
            await host.StopAsync();
            await store.DisposeAsync();
        }
    }
}
