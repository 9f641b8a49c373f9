namespace ParkGrid.Runtime.Storage;

/// <summary>
/// Grain state kept by reference, for simulations: no serialisation, so a deactivated grain's state costs
/// nothing to keep and nothing to read back. The same version rules as every storage. Not for live hosts:
/// a grain and storage share the object, so an unsaved change is visible to the next activation.
/// </summary>
public sealed class ReferenceGrainStorage : IGrainStorage, ISynchronousGrainStorage
{
    private readonly Dictionary<(string State, GrainId Grain), StateSlot> _slots = new();
    private readonly object _lock = new();

    public int Count
    {
        get { lock (_lock) return _slots.Values.Count(s => s.State is not null); }
    }

    public Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId) =>
        Task.FromResult(((ISynchronousGrainStorage)this).Read<TState>(Slot(stateName, grainId)));

    public Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion) =>
        Task.FromResult(Swap(Slot(stateName, grainId), stateName, grainId, state, expectedVersion));

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion) =>
        Task.FromResult(Swap(Slot(stateName, grainId), stateName, grainId, null, expectedVersion));

    // Grains write their state at nearly every turn of a simulation: the state facet keeps its slot, so a write
    // after the first costs no lookup of the (state, grain) key in a table of every grain's states.
    StateSlot ISynchronousGrainStorage.Slot(string stateName, GrainId grainId) => Slot(stateName, grainId);

    private StateSlot Slot(string stateName, GrainId grainId)
    {
        lock (_lock)
        {
            if (!_slots.TryGetValue((stateName, grainId), out var slot)) _slots.Add((stateName, grainId), slot = new StateSlot());
            return slot;
        }
    }

    StoredState<TState> ISynchronousGrainStorage.Read<TState>(StateSlot slot)
    {
        lock (_lock) return new StoredState<TState>((TState?)slot.State, slot.Version);
    }

    long ISynchronousGrainStorage.Write<TState>(StateSlot slot, string stateName, GrainId grainId, TState state, long expectedVersion) =>
        Swap(slot, stateName, grainId, state, expectedVersion);

    private long Swap(StateSlot slot, string stateName, GrainId grainId, object? state, long expectedVersion)
    {
        lock (_lock)
        {
            if (slot.Version != expectedVersion) throw InconsistentStateException.VersionMismatch(stateName, grainId, slot.Version, expectedVersion);
            slot.State = state;
            return ++slot.Version;
        }
    }
}
