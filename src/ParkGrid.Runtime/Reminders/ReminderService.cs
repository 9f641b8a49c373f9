using Microsoft.Extensions.Logging;
using NodaTime;
using ParkGrid.Runtime.Scheduling;

namespace ParkGrid.Runtime.Reminders;

/// <summary>
/// Fires durable reminders. At start it loads every row and schedules its next tick; a tick that fell due
/// while no runtime was running fires once, at start, reporting how many ticks were missed. After each
/// delivered tick the row records its due time, which is how missed ticks are counted after downtime.
/// </summary>
internal sealed class ReminderService(GrainRuntime runtime, IReminderTable table)
{
    private readonly object _lock = new();
    private Gate Locked() => new(_lock, runtime.Concurrent);
    private readonly Dictionary<(GrainId, string), LocalReminder> _local = new();
    private bool _stopped;

    private sealed class LocalReminder(ReminderService service, ReminderEntry entry)
    {
        public readonly ReminderService Service = service; // the timed event's state: no tuple boxed per tick
        public ReminderEntry Entry = entry;
        public ScheduledCallback? Pending;
        private string? _traceName;
        public string TraceName => _traceName ??= $"reminder {Entry.ReminderName}";
    }

    public int Scheduled
    {
        get { using (Locked()) return _local.Count; }
    }

    /// <summary>Loads and schedules the rows of the grains <paramref name="belongs"/> selects (all when null).</summary>
    public async Task StartAsync(Func<GrainId, bool>? belongs = null)
    {
        using (Locked()) _stopped = false;
        await LoadAsync(belongs ?? (_ => true));
    }

    /// <summary>Schedules the rows of grains this runtime starts serving (a row already scheduled here is kept as it is).</summary>
    public async Task LoadAsync(Func<GrainId, bool> belongs)
    {
        var rows = await table.ReadAllAsync();
        using (Locked())
            foreach (var row in rows)
                if (belongs(row.GrainId) && !_local.ContainsKey((row.GrainId, row.ReminderName))) ReplaceLocked(row);
    }

    /// <summary>Stops the reminders of grains this runtime no longer serves; their rows stay for the next owner.</summary>
    public void Unload(Func<GrainId, bool> belongs)
    {
        using (Locked())
            foreach (var key in _local.Keys.Where(k => belongs(k.Item1)).ToList())
            {
                _local[key].Pending?.Cancel();
                _local.Remove(key);
            }
    }

    public void Stop()
    {
        using (Locked())
        {
            _stopped = true;
            foreach (var local in _local.Values) local.Pending?.Cancel();
            _local.Clear();
        }
    }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grainId, string name, Duration dueTime, Duration period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (dueTime < Duration.Zero) throw new ArgumentOutOfRangeException(nameof(dueTime), $"Reminder '{name}': the due time must not be negative ({dueTime}).");
        if (period <= Duration.Zero) throw new ArgumentOutOfRangeException(nameof(period), $"Reminder '{name}': the period must be positive ({period}).");
        var startAt = runtime.Scheduler.Clock.GetCurrentInstant() + dueTime;
        var version = await table.UpsertRowAsync(grainId, name, startAt, period);
        var entry = new ReminderEntry(grainId, name, startAt, period, version);
        using (Locked()) ReplaceLocked(entry);
        return entry;
    }

    public async Task UnregisterAsync(GrainId grainId, IGrainReminder reminder)
    {
        var row = await table.ReadRowAsync(grainId, reminder.ReminderName);
        using (Locked())
            if (_local.Remove((grainId, reminder.ReminderName), out var local)) local.Pending?.Cancel();
        if (row is not null && !await table.RemoveRowAsync(grainId, reminder.ReminderName, row.Version))
            throw new InvalidOperationException($"Reminder '{reminder.ReminderName}' of {grainId} changed while it was being removed; read it again and retry.");
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string name) => await table.ReadRowAsync(grainId, name);

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId) => [.. await table.ReadRowsAsync(grainId)];

    private void ReplaceLocked(ReminderEntry entry)
    {
        if (_stopped) return;
        var key = (entry.GrainId, entry.ReminderName);
        if (_local.TryGetValue(key, out var old)) old.Pending?.Cancel();
        var local = new LocalReminder(this, entry);
        _local[key] = local;
        ScheduleLocked(local);
    }

    private void ScheduleLocked(LocalReminder local)
    {
        var entry = local.Entry;
        var nextDue = entry.LastTickAt is { } last ? last + entry.Period : entry.StartAt;
        local.Pending = runtime.Scheduler.ScheduleAt(nextDue, static s =>
        {
            var l = (LocalReminder)s!;
            _ = l.Service.FireAsync(l); // never throws: failures are logged inside
        }, local);
    }

    private async Task FireAsync(LocalReminder local)
    {
        var entry = local.Entry;
        var now = runtime.Scheduler.Clock.GetCurrentInstant();
        var firstDue = entry.LastTickAt is { } last ? last + entry.Period : entry.StartAt;
        // The latest tick due by now is delivered; the ones between it and the first undelivered tick were missed.
        var elapsedPeriods = (now - entry.StartAt).BclCompatibleTicks / entry.Period.BclCompatibleTicks;
        var current = entry.StartAt + entry.Period * Math.Max(0, elapsedPeriods);
        if (current < firstDue) current = firstDue;
        var missed = (int)Math.Max(0, (current - firstDue).BclCompatibleTicks / entry.Period.BclCompatibleTicks);
        var status = new TickStatus(entry.StartAt, entry.Period, current, missed);
        try
        {
            await runtime.DeliverReminder(entry.GrainId, entry.ReminderName, local.TraceName, status);
        }
        catch (GrainNotHereException)
        {
            return; // the grain's partition left this silo meanwhile: the tick stays unrecorded, so its new owner delivers it
        }
        catch (Exception e)
        {
            runtime.Logger.LogWarning(e, "Reminder {Reminder} of {GrainId} failed at tick {Tick}", entry.ReminderName, entry.GrainId, current);
        }
        runtime.Statistics.ReminderFired();
        try
        {
            await table.RecordTickAsync(entry.GrainId, entry.ReminderName, entry.Version, current);
        }
        catch (Exception e)
        {
            // The tick was delivered; if this record is lost it is reported again after a restart (handlers are idempotent).
            runtime.Logger.LogError(e, "Recording tick {Tick} of reminder {Reminder} of {GrainId} failed", current, entry.ReminderName, entry.GrainId);
        }
        using (Locked())
        {
            if (_stopped || !_local.TryGetValue((entry.GrainId, entry.ReminderName), out var still) || !ReferenceEquals(still, local)) return;
            local.Entry = entry with { LastTickAt = current };
            ScheduleLocked(local);
        }
    }
}
