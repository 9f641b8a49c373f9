using System.Reflection;
using Microsoft.Extensions.Logging;
using NodaTime;
using ParkGrid.Runtime.Catalog;
using ParkGrid.Runtime.Reminders;
using ParkGrid.Runtime.Scheduling;
using ParkGrid.Runtime.Storage;

namespace ParkGrid.Runtime.Hosting;

/// <summary>
/// Describes a grain host: which grains, which storage and reminder table, which options. The same
/// description builds a live host (thread pool, wall clock) or a deterministic one (one thread, virtual clock).
/// </summary>
public sealed class GrainHostBuilder
{
    private readonly List<(Type Interface, Type Implementation)> _grains = [];
    private readonly List<Assembly> _assemblies = [];
    private readonly Dictionary<string, IGrainStorage> _storages = new(StringComparer.Ordinal);
    private IGrainStorage? _defaultStorage;
    private IReminderTable? _reminderTable;
    private IServiceProvider? _services;
    private ILogger? _logger;
    private readonly RuntimeOptions _options = new();

    public GrainHostBuilder AddGrain<TInterface, TImplementation>()
        where TInterface : IGrainWithStringKey where TImplementation : Grain, TInterface
    {
        _grains.Add((typeof(TInterface), typeof(TImplementation)));
        return this;
    }

    /// <summary>Registers every concrete grain class in the assembly under the grain interfaces it implements.</summary>
    public GrainHostBuilder AddGrainsFrom(Assembly assembly)
    {
        _assemblies.Add(assembly);
        return this;
    }

    public GrainHostBuilder UseStorage(IGrainStorage storage)
    {
        _defaultStorage = storage;
        return this;
    }

    public GrainHostBuilder UseStorage(string name, IGrainStorage storage)
    {
        _storages[name] = storage;
        return this;
    }

    public GrainHostBuilder UseReminderTable(IReminderTable table)
    {
        _reminderTable = table;
        return this;
    }

    /// <summary>Where grain constructors find services other than state, clock and grain factory.</summary>
    public GrainHostBuilder UseServices(IServiceProvider services)
    {
        _services = services;
        return this;
    }

    public GrainHostBuilder UseLogger(ILogger logger)
    {
        _logger = logger;
        return this;
    }

    public GrainHostBuilder Configure(Action<RuntimeOptions> configure)
    {
        configure(_options);
        return this;
    }

    /// <summary>A live host on the thread pool and the given clock (the system clock by default).</summary>
    public LiveHost BuildLive(IClock? clock = null)
    {
        var scale = clock is ScaledClock scaled ? scaled.Scale : 1.0;
        var logger = _logger;
        return new LiveHost(Build(new LiveScheduler(clock ?? SystemClock.Instance, scale,
            e => { if (logger is null) Console.Error.WriteLine($"ParkGrid: a scheduled callback failed: {e}"); else logger.LogError(e, "A scheduled callback failed"); })));
    }

    /// <summary>A deterministic host whose virtual clock starts at <paramref name="start"/>.</summary>
    public DeterministicHost BuildDeterministic(Instant start)
    {
        var scheduler = new DeterministicScheduler(start);
        return new DeterministicHost(scheduler, Build(scheduler));
    }

    private GrainRuntime Build(TurnScheduler scheduler)
    {
        var registry = new GrainRegistry();
        foreach (var (itf, impl) in _grains) registry.Add(itf, impl, _services);
        foreach (var assembly in _assemblies) registry.AddAssembly(assembly, _services);
        if (registry.All.Count == 0) throw new InvalidOperationException("No grain classes are registered: call AddGrain or AddGrainsFrom.");
        return new GrainRuntime(scheduler, _options.Copy(), registry, _defaultStorage ?? new MemoryGrainStorage(), _storages,
            _reminderTable ?? new MemoryReminderTable(), _logger);
    }
}
