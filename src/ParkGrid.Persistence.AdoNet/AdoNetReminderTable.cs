using System.Data.Common;
using NodaTime;
using ParkGrid.Persistence.AdoNet.Execution;
using ParkGrid.Persistence.AdoNet.Sql;
using ParkGrid.Runtime;

namespace ParkGrid.Persistence.AdoNet;

/// <summary>
/// Durable reminders in parkgrid_reminders: (grain id "type/key", name, start, period, version, last tick), times
/// stored exactly as nanoseconds (<see cref="TimeEncoding"/>). Versions come from a store-wide counter, so a
/// reminder removed and registered again never reuses a version a stale remover might still hold.
/// Obtain it from <see cref="AdoNetStore.ReminderTable"/>.
/// </summary>
public sealed class AdoNetReminderTable : IReminderTable
{
    private readonly DbExecutor _executor;
    private readonly SqlDialect _dialect;

    internal AdoNetReminderTable(DbExecutor executor, SqlDialect dialect)
    {
        _executor = executor;
        _dialect = dialect;
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync() =>
        _executor.ReadAsync(session => ReadEntriesAsync(session.Command(_dialect.ReadAllReminders)));

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId) =>
        _executor.ReadAsync(session => ReadEntriesAsync(session.Command(_dialect.ReadGrainReminders, grainId.ToString())));

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        var rows = await _executor.ReadAsync(session => ReadEntriesAsync(session.Command(_dialect.ReadReminder, grainId.ToString(), reminderName)))
            .ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<long> UpsertRowAsync(GrainId grainId, string reminderName, Instant startAt, Duration period)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        var start = TimeEncoding.ToNanoseconds(startAt, nameof(startAt));
        var every = TimeEncoding.ToNanoseconds(period, nameof(period));
        var d = _dialect;
        return _executor.WriteAsync(async session =>
        {
            var next = Convert.ToInt64(await session.Command(d.NextReminderVersion).ExecuteScalarAsync().ConfigureAwait(false));
            return Convert.ToInt64(await session.Command(d.UpsertReminder, grainId.ToString(), reminderName, start, every, next)
                .ExecuteScalarAsync().ConfigureAwait(false));
        });
    }

    public Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, long version)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        var d = _dialect;
        return _executor.WriteAsync(async session =>
            await session.Command(d.DeleteReminder, grainId.ToString(), reminderName, version).ExecuteNonQueryAsync().ConfigureAwait(false) == 1);
    }

    public Task RecordTickAsync(GrainId grainId, string reminderName, long version, Instant tickTime)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        var tick = TimeEncoding.ToNanoseconds(tickTime, nameof(tickTime));
        var d = _dialect;
        // A tick of a reminder removed or re-registered meanwhile updates no row; that is not an error.
        return _executor.WriteAsync(async session =>
            await session.Command(d.RecordTick, grainId.ToString(), reminderName, tick, version).ExecuteNonQueryAsync().ConfigureAwait(false));
    }

    private static async ValueTask<IReadOnlyList<ReminderEntry>> ReadEntriesAsync(DbCommand command)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(
                GrainId.Parse(reader.GetString(0)),
                reader.GetString(1),
                TimeEncoding.ToInstant(reader.GetInt64(2)),
                TimeEncoding.ToDuration(reader.GetInt64(3)),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : TimeEncoding.ToInstant(reader.GetInt64(5))));
        }
        return entries;
    }
}
