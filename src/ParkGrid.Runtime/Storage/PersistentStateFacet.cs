namespace ParkGrid.Runtime.Storage;

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
    private TState _state = new();
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
            return _state;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            IsDirty = true;
            _state = value;
        }
    }

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync<TState>(name, grainId);
        _state = stored.State ?? new TState();
        Version = stored.Version;
        RecordExists = stored.RecordExists;
        IsDirty = false;
        _savedInTurn = activation.TurnSerial;
    }

    public async Task WriteStateAsync()
    {
        Version = await storage.WriteAsync(name, grainId, _state, Version);
        RecordExists = true;
        IsDirty = false;
        _savedInTurn = activation.TurnSerial;
    }

    public async Task ClearStateAsync()
    {
        Version = await storage.ClearAsync(name, grainId, Version);
        _state = new TState();
        RecordExists = false;
        IsDirty = false;
        _savedInTurn = activation.TurnSerial;
    }

    Task IStateFacet.ReadAsync() => ReadStateAsync();
    Task IStateFacet.WriteAsync() => WriteStateAsync();
}
