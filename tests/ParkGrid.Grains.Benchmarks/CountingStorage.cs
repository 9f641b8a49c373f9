using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;
using ParkGrid.Runtime.Storage;

namespace ParkGrid.Grains.Benchmarks;

/// <summary>Stores like <see cref="MemoryGrainStorage"/> (JSON on every write) and counts writes, bytes and serialisation
/// time per grain type and state.</summary>
internal sealed class CountingStorage : IGrainStorage
{
    private readonly MemoryGrainStorage _inner = new();
    public readonly ConcurrentDictionary<string, (long Writes, long Bytes, double Ms)> Stats = new();

    public Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId) => _inner.ReadAsync<TState>(stateName, grainId);

    public Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion)
    {
        var watch = Stopwatch.StartNew();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, ParkGridJson.Options).Length;
        var ms = watch.Elapsed.TotalMilliseconds;
        var written = _inner.WriteAsync(stateName, grainId, state, expectedVersion);
        Stats.AddOrUpdate(grainId.Type + "/" + stateName, (1, bytes, ms), (_, s) => (s.Writes + 1, s.Bytes + bytes, s.Ms + ms));
        return written;
    }

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion) => _inner.ClearAsync(stateName, grainId, expectedVersion);
}
