using NodaTime;

namespace ParkGrid.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime constructs the grain, reads its persistent state,
/// calls <see cref="OnActivateAsync"/>, and from then on runs one turn at a time.
/// Grains read time through <see cref="Clock"/>, draw randomness from <see cref="GetRandom"/> and
/// schedule through timers and reminders, so that the same grain runs deterministically in a simulation.
/// </summary>
public abstract class Grain
{
    private IGrainContext? _context;

    protected Grain()
    {
        // The runtime sets the context for the constructor's duration, so constructors may use it.
        _context = GrainContextAmbient.Current;
    }

    internal void Attach(IGrainContext context) => _context = context;

    /// <summary>The runtime context of this activation.</summary>
    protected internal IGrainContext Context =>
        _context ?? throw new InvalidOperationException($"{GetType().Name} is not activated by a grain runtime; create grains through IGrainFactory.GetGrain.");

    public GrainId GrainId => Context.GrainId;
    public string IdentityString => Context.GrainId.ToString();
    public string GetPrimaryKeyString() => Context.GrainId.Key;

    protected IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>The runtime's clock: wall time in a silo, virtual time in a simulation.</summary>
    protected IClock Clock => Context.Clock;

    /// <summary>A seeded random stream named by (run, this grain, purpose); the same purpose returns the same stream.</summary>
    protected Random GetRandom(string purpose) => Context.GetRandom(purpose);

    /// <summary>
    /// The stream <see cref="GetRandom"/> gives for <paramref name="purpose"/>, from its start, and not kept by the
    /// activation: for purposes drawn from once, such as one per case. Kept streams of such purposes would pile up
    /// for as long as the grain lives.
    /// </summary>
    protected Random NewRandom(string purpose) => Context.NewRandom(purpose);

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    /// <summary>Keep this activation alive for at least <paramref name="period"/> even if idle.</summary>
    protected void DelayDeactivation(Duration period) => Context.DelayDeactivation(period);

    /// <summary>A timer whose ticks run as turns of this grain; it stops when the activation ends.</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerOptions options) =>
        Context.RegisterTimer((s, ct) => callback((TState)s!, ct), state, options);

    // The callback is the timer's state: no closure and no second delegate per timer (simulations register one per event).
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options) =>
        Context.RegisterTimer(static (s, ct) => ((Func<CancellationToken, Task>)s!)(ct), callback, options);

    /// <summary>Registers (or reschedules) a durable reminder; the grain must implement <see cref="IRemindable"/>.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, Duration dueTime, Duration period) =>
        Context.RegisterOrUpdateReminder(reminderName, dueTime, period);

    protected Task UnregisterReminder(IGrainReminder reminder) => Context.UnregisterReminder(reminder);

    protected Task<IGrainReminder?> GetReminder(string reminderName) => Context.GetReminder(reminderName);

    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => Context.GetReminders();
}

/// <summary>
/// A grain with one persistent state, read before activation: the Orleans Grain&lt;TState&gt; shape.
/// </summary>
public abstract class Grain<TState> : Grain where TState : new()
{
    private IPersistentState<TState>? _state;

    protected Grain()
    {
        _state = GrainContextAmbient.Current?.GetPersistentState<TState>("state", null);
    }

    private IPersistentState<TState> Persistent =>
        _state ??= Context.GetPersistentState<TState>("state", null);

    protected TState State
    {
        get => Persistent.State;
        set => Persistent.State = value;
    }

    protected long StateVersion => Persistent.Version;
    protected Task ReadStateAsync() => Persistent.ReadStateAsync();
    protected Task WriteStateAsync() => Persistent.WriteStateAsync();
    protected Task ClearStateAsync() => Persistent.ClearStateAsync();
}

public enum DeactivationReason
{
    /// <summary>Idle for longer than the collection age.</summary>
    IdleCollection,
    /// <summary>The grain asked with DeactivateOnIdle.</summary>
    ApplicationRequested,
    /// <summary>The runtime is shutting down.</summary>
    RuntimeShutdown,
    /// <summary>A call found the grain's state inconsistent with storage.</summary>
    InconsistentState,
    /// <summary>OnActivateAsync failed.</summary>
    ActivationFailed,
    /// <summary>This silo no longer holds the grain's partition (a cluster rebalanced or another silo took over).</summary>
    PlacementChanged,
}

/// <summary>What the runtime offers one activation. Grain code reaches it through <see cref="Grain"/>.</summary>
public interface IGrainContext
{
    GrainId GrainId { get; }
    IGrainFactory GrainFactory { get; }
    IClock Clock { get; }
    Random GetRandom(string purpose);
    Random NewRandom(string purpose);
    IPersistentState<TState> GetPersistentState<TState>(string stateName, string? storageName) where TState : new();
    IGrainTimer RegisterTimer(Func<object?, CancellationToken, Task> callback, object? state, GrainTimerOptions options);
    Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, Duration dueTime, Duration period);
    Task UnregisterReminder(IGrainReminder reminder);
    Task<IGrainReminder?> GetReminder(string reminderName);
    Task<IReadOnlyList<IGrainReminder>> GetReminders();
    void DeactivateOnIdle();
    void DelayDeactivation(Duration period);
}

/// <summary>The context of the grain being constructed on this thread.</summary>
internal static class GrainContextAmbient
{
    [ThreadStatic] internal static IGrainContext? Current;
}
