using System.Data.Common;
using System.Text.Json;
using ParkGrid.Persistence.AdoNet.Execution;
using ParkGrid.Persistence.AdoNet.Sql;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Persistence.AdoNet;

/// <summary>
/// Grain state in parkgrid_grain_state, one row per (grain type, grain key, state name), the state as JSON text
/// (<see cref="ParkGridJson.Options"/>) and an integer version as ETag. A write or clear changes the row only
/// where the version is the expected one — a conditional UPDATE, or an INSERT … ON CONFLICT DO NOTHING when
/// nothing is expected — so of writers racing with the same expected version exactly one wins; the others get
/// <see cref="InconsistentStateException"/> naming the version storage holds. A clear leaves a tombstone
/// (payload NULL, version + 1), so versions never go back. Obtain it from <see cref="AdoNetStore.GrainStorage"/>.
/// </summary>
public sealed class AdoNetGrainStorage : IGrainStorage
{
    private readonly DbExecutor _executor;
    private readonly SqlDialect _dialect;
    private readonly JsonSerializerOptions _json;

    internal AdoNetGrainStorage(DbExecutor executor, SqlDialect dialect, JsonSerializerOptions? json = null)
    {
        _executor = executor;
        _dialect = dialect;
        _json = json ?? ParkGridJson.Options;
    }

    public async Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        var d = _dialect;
        var (payload, version) = await _executor.ReadAsync(async session =>
        {
            await using var reader = await session.Command(d.ReadState, grainId.Type, grainId.Key, stateName).ExecuteReaderAsync().ConfigureAwait(false);
            if (!await reader.ReadAsync().ConfigureAwait(false)) return ((string?)null, 0L);
            return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
        }).ConfigureAwait(false);

        if (payload is null) return new StoredState<TState>(default, version);
        try
        {
            return new StoredState<TState>(JsonSerializer.Deserialize<TState>(payload, _json), version);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                $"State '{stateName}' of {grainId} (version {version}) cannot be read as {typeof(TState).Name}: {e.Message}", e);
        }
    }

    public async Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var payload = JsonSerializer.Serialize(state, _json);
        var d = _dialect;
        var (won, version) = await _executor.WriteAsync(async session =>
        {
            int rows;
            if (expectedVersion == 0)
            {
                try
                {
                    rows = await session.Command(d.InsertState, grainId.Type, grainId.Key, stateName, payload).ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (DbException e) when (d.IsUniqueViolation(e))
                {
                    rows = 0; // lost the race to insert: someone else created the row first
                }
            }
            else
            {
                rows = await session.Command(d.UpdateState, payload, grainId.Type, grainId.Key, stateName, expectedVersion).ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            return rows == 1 ? (true, expectedVersion + 1) : (false, await StoredVersionAsync(session, stateName, grainId).ConfigureAwait(false));
        }).ConfigureAwait(false);

        return won ? version : throw InconsistentStateException.VersionMismatch(stateName, grainId, version, expectedVersion);
    }

    public async Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var d = _dialect;
        var (won, version) = await _executor.WriteAsync(async session =>
        {
            var rows = expectedVersion == 0
                ? await session.Command(d.InsertTombstone, grainId.Type, grainId.Key, stateName).ExecuteNonQueryAsync().ConfigureAwait(false)
                : await session.Command(d.ClearState, grainId.Type, grainId.Key, stateName, expectedVersion).ExecuteNonQueryAsync().ConfigureAwait(false);
            return rows == 1 ? (true, expectedVersion + 1) : (false, await StoredVersionAsync(session, stateName, grainId).ConfigureAwait(false));
        }).ConfigureAwait(false);

        return won ? version : throw InconsistentStateException.VersionMismatch(stateName, grainId, version, expectedVersion);
    }

    private async ValueTask<long> StoredVersionAsync(DbSession session, string stateName, GrainId grainId)
    {
        var value = await session.Command(_dialect.ReadStateVersion, grainId.Type, grainId.Key, stateName).ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value);
    }
}
