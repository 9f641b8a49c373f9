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
/// One persistent state of an activation, with its version as ETag. Any access to <see cref="State"/>
/// marks it possibly changed (it is a mutable object), so deactivation writes it unless it was saved since.
/// </summary>
internal sealed class PersistentStateFacet<TState>(string name, GrainId grainId, IGrainStorage storage) : IPersistentState<TState>, IStateFacet
    where TState : new()
{
    private TState _state = new();

    public string Name => name;
    public bool IsDirty { get; private set; }
    public long Version { get; private set; }
    public bool RecordExists { get; private set; }

    public TState State
    {
        get
        {
            IsDirty = true;
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
    }

    public async Task WriteStateAsync()
    {
        Version = await storage.WriteAsync(name, grainId, _state, Version);
        RecordExists = true;
        IsDirty = false;
    }

    public async Task ClearStateAsync()
    {
        Version = await storage.ClearAsync(name, grainId, Version);
        _state = new TState();
        RecordExists = false;
        IsDirty = false;
    }

    Task IStateFacet.ReadAsync() => ReadStateAsync();
    Task IStateFacet.WriteAsync() => WriteStateAsync();
}
