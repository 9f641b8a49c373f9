using System.Collections.Concurrent;
using ParkGrid.Runtime;

namespace ParkGrid.Grains.Tests;


/// <summary>For <see cref="ScaleProbe"/>: keeps state objects by reference (no JSON), to separate grain logic from serialization.</summary>
internal sealed class ReferenceStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), (object? State, long Version)> _rows = new();

    public Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId) =>
        Task.FromResult(_rows.TryGetValue((stateName, grainId), out var row) ? new StoredState<TState>((TState?)row.State, row.Version) : new StoredState<TState>(default, 0));

    public Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion)
    {
        var next = expectedVersion + 1;
        _rows[(stateName, grainId)] = (state, next);
        return Task.FromResult(next);
    }

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion)
    {
        _rows[(stateName, grainId)] = (null, expectedVersion + 1);
        return Task.FromResult(expectedVersion + 1);
    }
}

/// <summary>For <see cref="ScaleProbe"/>: stores like MemoryGrainStorage and counts writes, bytes and serialisation time per state.</summary>
internal sealed class CountingStorage : IGrainStorage
{
    private readonly ParkGrid.Runtime.Storage.MemoryGrainStorage _inner = new();
    public readonly ConcurrentDictionary<string, (long Writes, long Bytes, double Ms)> Stats = new();

    public Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId) => _inner.ReadAsync<TState>(stateName, grainId);

    public Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(state, ParkGrid.Runtime.Json.ParkGridJson.Options).Length;
        var ms = sw.Elapsed.TotalMilliseconds;
        var t = _inner.WriteAsync(stateName, grainId, state, expectedVersion);
        Stats.AddOrUpdate(grainId.Type + "/" + stateName, (1, bytes, ms), (_, s) => (s.Writes + 1, s.Bytes + bytes, s.Ms + ms));
        return t;
    }

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion) => _inner.ClearAsync(stateName, grainId, expectedVersion);
}
