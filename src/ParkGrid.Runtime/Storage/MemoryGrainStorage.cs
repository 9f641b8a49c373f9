using System.Collections.Concurrent;
using System.Text.Json;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Runtime.Storage;

/// <summary>
/// Grain state in memory, stored as JSON so that a grain never shares an object with storage and every
/// state type is checked to round-trip, exactly as with the ADO.NET providers. Same version rules.
/// </summary>
public sealed class MemoryGrainStorage(JsonSerializerOptions? jsonOptions = null) : IGrainStorage
{
    private readonly JsonSerializerOptions _json = jsonOptions ?? ParkGridJson.Options;
    private readonly ConcurrentDictionary<(string State, GrainId Grain), Entry> _entries = new();

    private sealed record Entry(byte[]? Payload, long Version);

    public int Count => _entries.Count(e => e.Value.Payload is not null);

    public Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId)
    {
        if (!_entries.TryGetValue((stateName, grainId), out var entry)) return Task.FromResult(new StoredState<TState>(default, 0));
        var state = entry.Payload is null ? default : JsonSerializer.Deserialize<TState>(entry.Payload, _json);
        return Task.FromResult(new StoredState<TState>(state, entry.Version));
    }

    public Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion) =>
        Task.FromResult(Swap(stateName, grainId, JsonSerializer.SerializeToUtf8Bytes(state, _json), expectedVersion));

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion) =>
        Task.FromResult(Swap(stateName, grainId, null, expectedVersion));

    private long Swap(string stateName, GrainId grainId, byte[]? payload, long expectedVersion)
    {
        var key = (stateName, grainId);
        while (true)
        {
            if (!_entries.TryGetValue(key, out var current))
            {
                if (expectedVersion != 0) throw InconsistentStateException.VersionMismatch(stateName, grainId, 0, expectedVersion);
                if (_entries.TryAdd(key, new Entry(payload, 1))) return 1;
                continue;
            }
            if (current.Version != expectedVersion)
                throw InconsistentStateException.VersionMismatch(stateName, grainId, current.Version, expectedVersion);
            var next = new Entry(payload, current.Version + 1);
            if (_entries.TryUpdate(key, next, current)) return next.Version;
        }
    }
}
