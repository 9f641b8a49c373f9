using NodaTime;

namespace ParkGrid.Runtime.Reminders;

/// <summary>Reminder rows in memory. Share one instance between runtimes to model a restart in tests.</summary>
public sealed class MemoryReminderTable : IReminderTable
{
    private readonly object _lock = new();
    private readonly Dictionary<(GrainId, string), ReminderEntry> _rows = new();
    private long _nextVersion;

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync()
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values]);
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values.Where(r => r.GrainId == grainId)]);
    }

    public Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName)
    {
        lock (_lock) return Task.FromResult(_rows.GetValueOrDefault((grainId, reminderName)));
    }

    public Task<long> UpsertRowAsync(GrainId grainId, string reminderName, Instant startAt, Duration period)
    {
        lock (_lock)
        {
            var version = ++_nextVersion;
            _rows[(grainId, reminderName)] = new ReminderEntry(grainId, reminderName, startAt, period, version);
            return Task.FromResult(version);
        }
    }

    public Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, long version)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((grainId, reminderName), out var row) || row.Version != version) return Task.FromResult(false);
            _rows.Remove((grainId, reminderName));
            return Task.FromResult(true);
        }
    }

    public Task RecordTickAsync(GrainId grainId, string reminderName, long version, Instant tickTime)
    {
        lock (_lock)
            if (_rows.TryGetValue((grainId, reminderName), out var row) && row.Version == version)
                _rows[(grainId, reminderName)] = row with { LastTickAt = tickTime };
        return Task.CompletedTask;
    }
}
