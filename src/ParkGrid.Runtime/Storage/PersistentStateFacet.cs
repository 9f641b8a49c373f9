namespace ParkGrid.Runtime.Storage;

/// <summary>A storage whose reads and writes complete at once: the state facet calls it without allocating a Task per
/// call, through the slot of its (state, grain), which it keeps.</summary>
internal interface ISynchronousGrainStorage
{
    StateSlot Slot(string stateName, GrainId grainId);
    StoredState<TState> Read<TState>(StateSlot slot);
    long Write<TState>(StateSlot slot, string stateName, GrainId grainId, TState state, long expectedVersion);
}

/// <summary>Where a synchronous storage keeps one (state, grain): the state and its version (0: never written).</summary>
internal sealed class StateSlot
{
    public object? State;
    public long Version;
}

/// <summary>What the activation needs of each of its states: read at activation, flushed at deactivation.</summary>
internal interface IStateFacet
{
    string Name { get; }
    bool IsDirty { get; }
    Task ReadAsync();
    Task WriteAsync();
}

/// <summary>
/// One persistent state of an activation, with its version as ETag. It is a mutable object, so the runtime
/// cannot see changes: access to <see cref="State"/> marks it possibly changed, and deactivation writes it
/// unless it was saved since. Two kinds of access do not count: in a read-only turn (which promises not to
/// change state), and later in the turn that last saved it (returning a snapshot after a write is common).
/// </summary>
internal sealed class PersistentStateFacet<TState>(string name, GrainId grainId, IGrainStorage storage, Catalog.Activation activation) : IPersistentState<TState>, IStateFacet
    where TState : new()
{
    private TState _state = default!;
    private StateSlot? _slot; // a synchronous storage's place for this state, found once
    private bool _hasState; // an activation reads its state before first use: creating an empty one up front is waste
    private long _savedInTurn = -1;

    public string Name => name;
    public bool IsDirty { get; private set; }
    public long Version { get; private set; }
    public bool RecordExists { get; private set; }

    public TState State
    {
        get
        {
            if (!IsDirty && activation.TurnSerial != _savedInTurn && !activation.InReadOnlyTurn) IsDirty = true;
            return Current;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            IsDirty = true;
            Set(value);
        }
    }

    private TState Current
    {
        get
        {
            if (!_hasState) Set(new TState());
            return _state;
        }
    }

    private void Set(TState state)
    {
        _state = state;
        _hasState = true;
    }

    // Storages that answer at once (the simulations' ReferenceGrainStorage) are called without a Task per read and write.

    public Task ReadStateAsync()
    {
        if (storage is not ISynchronousGrainStorage sync) return ReadSlowAsync();
        try
        {
            Loaded(sync.Read<TState>(_slot ??= sync.Slot(name, grainId)));
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private async Task ReadSlowAsync() => Loaded(await storage.ReadAsync<TState>(name, grainId));

    private void Loaded(StoredState<TState> stored)
    {
        Set(stored.State ?? new TState());
        Version = stored.Version;
        RecordExists = stored.RecordExists;
        IsDirty = false;
        _savedInTurn = activation.TurnSerial;
    }

    public Task WriteStateAsync()
    {
        if (storage is not ISynchronousGrainStorage sync) return WriteSlowAsync();
        try
        {
            Written(sync.Write(_slot ??= sync.Slot(name, grainId), name, grainId, Current, Version));
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private async Task WriteSlowAsync() => Written(await storage.WriteAsync(name, grainId, Current, Version));

    private void Written(long version)
    {
        Version = version;
        RecordExists = true;
        IsDirty = false;
        _savedInTurn = activation.TurnSerial;
    }

    public async Task ClearStateAsync()
    {
        Version = await storage.ClearAsync(name, grainId, Version);
        Set(new TState());
        RecordExists = false;
        IsDirty = false;
        _savedInTurn = activation.TurnSerial;
    }

    Task IStateFacet.ReadAsync() => ReadStateAsync();
    Task IStateFacet.WriteAsync() => WriteStateAsync();
}
