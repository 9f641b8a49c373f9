using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ParkGrid.Runtime.Storage;

/// <summary>
/// Grain state kept by reference, for simulations: no serialisation, so a deactivated grain's state costs
/// nothing to keep and nothing to read back. The same version rules as every storage. Not for live hosts:
/// a grain and storage share the object, so an unsaved change is visible to the next activation.
/// </summary>
public sealed class ReferenceGrainStorage : IGrainStorage, ISynchronousGrainStorage
{
    private readonly Dictionary<(string State, GrainId Grain), (object? State, long Version)> _entries = new();
    private readonly object _lock = new();

    public int Count
    {
        get { lock (_lock) return _entries.Count(e => e.Value.State is not null); }
    }

    public Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId) => Task.FromResult(Read<TState>(stateName, grainId));

    public Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion) =>
        Task.FromResult(Swap(stateName, grainId, state, expectedVersion));

    StoredState<TState> ISynchronousGrainStorage.Read<TState>(string stateName, GrainId grainId) => Read<TState>(stateName, grainId);

    long ISynchronousGrainStorage.Write<TState>(string stateName, GrainId grainId, TState state, long expectedVersion) =>
        Swap(stateName, grainId, state, expectedVersion);

    private StoredState<TState> Read<TState>(string stateName, GrainId grainId)
    {
        lock (_lock)
            return _entries.TryGetValue((stateName, grainId), out var e)
                ? new StoredState<TState>((TState?)e.State, e.Version)
                : new StoredState<TState>(default, 0);
    }

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion) =>
        Task.FromResult(Swap(stateName, grainId, null, expectedVersion));

    private long Swap(string stateName, GrainId grainId, object? state, long expectedVersion)
    {
        lock (_lock)
        {
            // Grains write their state at nearly every turn of a simulation: one lookup for the usual update.
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, (stateName, grainId));
            var stored = Unsafe.IsNullRef(ref entry) ? 0 : entry.Version;
            if (stored != expectedVersion) throw InconsistentStateException.VersionMismatch(stateName, grainId, stored, expectedVersion);
            if (Unsafe.IsNullRef(ref entry)) _entries.Add((stateName, grainId), (state, 1));
            else entry = (state, stored + 1);
            return stored + 1;
        }
    }
}
