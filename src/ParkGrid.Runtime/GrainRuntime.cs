using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ParkGrid.Runtime.Catalog;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Metrics;
using ParkGrid.Runtime.Reminders;
using ParkGrid.Runtime.Scheduling;

namespace ParkGrid.Runtime;

/// <summary>
/// The grain runtime: resolves grain references to activations, carries calls, and owns the activation
/// directory, timers' scheduler, reminder service, call watchdog, idle collector and statistics. A host
/// (live or deterministic) builds one around its scheduler.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IGrainCallInvoker
{
    private readonly IReadOnlyDictionary<string, IGrainStorage> _storages;
    private readonly IGrainStorage _defaultStorage;

    internal GrainRuntime(TurnScheduler scheduler, RuntimeOptions options, GrainRegistry registry, IGrainStorage defaultStorage,
        IReadOnlyDictionary<string, IGrainStorage> storages, IReminderTable reminderTable, ILogger? logger)
    {
        options.Validate();
        Scheduler = scheduler;
        Concurrent = !scheduler.IsSingleThreaded;
        Options = options;
        Registry = registry;
        _defaultStorage = defaultStorage;
        _storages = storages;
        Logger = logger ?? NullLogger.Instance;
        RandomStreams = new RandomStreams(options.Seed);
        Statistics = new RuntimeStatistics();
        Directory = new ActivationDirectory(this);
        Watchdog = new CallWatchdog(this);
        Collector = new ActivationCollector(this);
        Reminders = new ReminderService(this, reminderTable);
        Statistics.RemindersDueSource = () => Reminders.Scheduled;
    }

    internal TurnScheduler Scheduler { get; }

    /// <summary>Turns may run on several threads (the live host), so the runtime's locks are taken; false on the
    /// deterministic host, whose one thread needs none (see <see cref="Scheduling.Gate"/>).</summary>
    internal bool Concurrent { get; }

    /// <summary>Without locks, a call or continuation from another thread is refused before it touches anything.</summary>
    internal void RefuseOtherThreads()
    {
        if (!Concurrent) Scheduler.EnsureOwnerThread();
    }
    internal RuntimeOptions Options { get; }
    internal GrainRegistry Registry { get; }
    internal ILogger Logger { get; }
    internal RandomStreams RandomStreams { get; }
    internal ActivationDirectory Directory { get; }
    internal CallWatchdog Watchdog { get; }
    internal ActivationCollector Collector { get; }
    internal ReminderService Reminders { get; }

    /// <summary>Called at the start of every turn with the activation and the turn's name (the deterministic host hashes these).</summary>
    internal Action<Activation, string>? TurnObserver { get; set; }

    public RuntimeStatistics Statistics { get; }
    public NodaTime.IClock Clock => Scheduler.Clock;
    public int ActivationCount => Directory.Count;

    /// <summary>The grain interface of each registered grain type (e.g. "park" → IParkGrain).</summary>
    public IReadOnlyDictionary<string, Type> GrainInterfaces => Registry.Interfaces;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        GrainProxies.Create<TGrainInterface>(key, this);

    internal IGrainStorage GetStorage(string? name)
    {
        if (name is null) return _defaultStorage;
        return _storages.TryGetValue(name, out var storage) ? storage
            : throw new InvalidOperationException($"No grain storage named '{name}' is configured. Configured: {string.Join(", ", _storages.Keys)}.");
    }

    public Task InvokeAsync(GrainReference target, GrainRequest request) => Invoke<object?>(target, request, isVoid: true);

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest request) =>
        (Task<TResult>)Invoke<TResult>(target, request, isVoid: false);

    private Task Invoke<TResult>(GrainReference target, GrainRequest request, bool isVoid)
    {
        RefuseOtherThreads();
        // The reference remembers its activation; only a new reference or a deactivated grain costs a lookup.
        var activation = target.InvokerCache as Activation;
        while (true)
        {
            var created = false;
            if (activation is null || activation.Status == ActivationStatus.Invalid)
            {
                // Only the lookup path asks the locator: a cached activation is deactivated when its partition leaves.
                if (_locator is { } locator && !locator.IsLocal(target.GrainId))
                {
                    target.InvokerCache = null;
                    return locator.InvokeRemoteAsync<TResult>(target.GrainId, request, isVoid);
                }
                activation = Directory.GetOrCreate(target.GrainId, out created);
                target.InvokerCache = activation;
            }
            var task = activation.TryCall<TResult>(request, isVoid);
            if (created) activation.BeginActivation();
            if (task is not null) return task;
            activation = null;
        }
    }

    /// <summary>Delivers a message to the grain's current activation, creating one if needed.</summary>
    internal void Forward(GrainId grainId, Message message)
    {
        try
        {
            // A call that waited in the mailbox of an activation whose partition left goes to the grain's new owner;
            // system messages (reminder ticks) are never carried: the new owner fires its own.
            if (_locator is { } locator && !locator.IsLocal(grainId))
            {
                if (message.TryForward(locator, grainId)) return;
                throw new GrainNotHereException($"{grainId} is not placed on this silo any more; {message.Describe()} is left to its owner.");
            }
            while (true)
            {
                var activation = Directory.GetOrCreate(grainId, out var created);
                var queued = activation.TryEnqueue(message);
                if (created) activation.BeginActivation();
                if (queued) return;
            }
        }
        catch (Exception e)
        {
            message.Fail(e);
        }
    }

    /// <param name="traceName">"reminder NAME", made once per reminder rather than per tick.</param>
    internal Task DeliverReminder(GrainId grainId, string reminderName, string traceName, TickStatus status)
    {
        var message = new ReminderMessage(reminderName, status, traceName);
        Forward(grainId, message);
        return message.Done;
    }

    internal Task StartAsync() => Reminders.StartAsync(_locator is null ? null : _locator.IsLocal);

    private IGrainLocator? _locator;

    /// <summary>The locator of a clustered runtime; attach it before the host starts. Null: every grain is local.</summary>
    public IGrainLocator? Locator => _locator;

    public void AttachLocator(IGrainLocator locator)
    {
        ArgumentNullException.ThrowIfNull(locator);
        if (Interlocked.CompareExchange(ref _locator, locator, null) is not null)
            throw new InvalidOperationException("This runtime has a grain locator already.");
    }

    /// <summary>
    /// An invoker for calls that must run here (a call another silo forwarded): a grain that is not local
    /// fails with <see cref="GrainNotHereException"/> instead of being forwarded again.
    /// </summary>
    public IGrainCallInvoker LocalOnly => _localOnly ??= new LocalOnlyInvoker(this);
    private LocalOnlyInvoker? _localOnly;

    private sealed class LocalOnlyInvoker(GrainRuntime runtime) : IGrainCallInvoker
    {
        public Task InvokeAsync(GrainReference target, GrainRequest request)
        {
            Check(target, request);
            return runtime.InvokeAsync(target, request);
        }

        public Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest request)
        {
            Check(target, request);
            return runtime.InvokeAsync<TResult>(target, request);
        }

        private void Check(GrainReference target, GrainRequest request)
        {
            if (runtime._locator is { } locator && !locator.IsLocal(target.GrainId))
                throw new GrainNotHereException($"{target.GrainId} is not placed on this silo; {request.Method} was not run here.");
        }
    }

    /// <summary>
    /// Starts serving the grains the predicate selects (a cluster gave this silo their partitions): their
    /// reminders are loaded and scheduled. Grains themselves activate on their first call, as always.
    /// </summary>
    public Task StartServingAsync(Func<GrainId, bool> belongs) => Reminders.LoadAsync(belongs);

    /// <summary>
    /// Stops serving the grains the predicate selects: their reminders stop here and their activations are
    /// deactivated, state flushed. Call it after the locator stopped answering "local" for them, so that no
    /// new activation of them starts meanwhile.
    /// </summary>
    public async Task StopServingAsync(Func<GrainId, bool> belongs)
    {
        Reminders.Unload(belongs);
        for (var round = 0; round < 10; round++)
        {
            var leaving = Directory.All.Where(a => belongs(a.GrainId)).ToList();
            if (leaving.Count == 0) return;
            await Task.WhenAll(leaving.Select(a => a.RequestDeactivation(DeactivationReason.PlacementChanged)));
        }
    }

    /// <summary>Stops reminders and deactivates every activation, flushing state.</summary>
    internal async Task StopAsync()
    {
        Reminders.Stop();
        // Deactivations may forward calls that arrive meanwhile to new activations; repeat until none is left.
        for (var round = 0; round < 10 && Directory.Count > 0; round++)
            await Task.WhenAll(Directory.All.ToList().Select(a => a.RequestDeactivation(DeactivationReason.RuntimeShutdown)));
    }

    /// <summary>Deactivates one grain if it is active (for tests and operators).</summary>
    public Task DeactivateAsync(GrainId grainId) =>
        Directory.TryGet(grainId, out var activation) ? activation.RequestDeactivation(DeactivationReason.ApplicationRequested) : Task.CompletedTask;

    /// <summary>Whether the grain has an activation right now.</summary>
    public bool IsActive(GrainId grainId) => Directory.TryGet(grainId, out _);

    /// <summary>Collects idle activations now instead of at the next scheduled sweep.</summary>
    public int CollectIdleActivations() => Collector.Sweep();
}
