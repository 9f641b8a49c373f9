using NodaTime;

namespace ParkGrid.Runtime;

/// <summary>A grain timer: ticks run as turns of the grain and never overlap; the next tick is scheduled after one ends.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Reschedules the timer: first tick after <paramref name="dueTime"/>, then every <paramref name="period"/> (infinite: once).</summary>
    void Change(Duration dueTime, Duration period);
}

/// <summary>Options of a grain timer.</summary>
/// <param name="DueTime">Delay before the first tick.</param>
/// <param name="Period">Delay between the end of one tick and the next; <see cref="Duration.MaxValue"/> for a single tick.</param>
/// <param name="Interleave">Ticks may interleave with other calls at await points.</param>
/// <param name="KeepAlive">Ticks count as activity and keep an idle activation from being collected.</param>
public readonly record struct GrainTimerOptions(Duration DueTime, Duration Period, bool Interleave = false, bool KeepAlive = false)
{
    public static GrainTimerOptions Once(Duration dueTime) => new(dueTime, Duration.MaxValue);
}

/// <summary>A grain that receives durable reminders.</summary>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>
/// What a reminder tick knows about its schedule. <see cref="MissedTicks"/> counts ticks that fell due while
/// no silo was running; they are delivered once, as this tick, so a handler can reconcile.
/// </summary>
public readonly record struct TickStatus(Instant FirstTickTime, Duration Period, Instant CurrentTickTime, int MissedTicks);

/// <summary>A handle to a registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }
    Instant FirstTickTime { get; }
    Duration Period { get; }
}

/// <summary>One durable reminder row.</summary>
/// <param name="LastTickAt">The due time of the last tick delivered (null before the first), so missed ticks can be counted after downtime.</param>
public sealed record ReminderEntry(GrainId GrainId, string ReminderName, Instant StartAt, Duration Period, long Version, Instant? LastTickAt = null) : IGrainReminder
{
    string IGrainReminder.ReminderName => ReminderName;
    Instant IGrainReminder.FirstTickTime => StartAt;
}

/// <summary>
/// Durable reminder rows. Implementations: in memory (tests, simulations) and ADO.NET (SQLite, PostgreSQL).
/// </summary>
public interface IReminderTable
{
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync();
    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId);
    Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName);

    /// <summary>Inserts or replaces a reminder's schedule (clearing its last tick); returns the new version.</summary>
    Task<long> UpsertRowAsync(GrainId grainId, string reminderName, Instant startAt, Duration period);

    /// <summary>Removes the row if it still has <paramref name="version"/>; false otherwise.</summary>
    Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, long version);

    /// <summary>Records the due time of a delivered tick on the row of <paramref name="version"/> (the schedule that fired),
    /// without changing the version. A row re-registered meanwhile has another version and is left alone.</summary>
    Task RecordTickAsync(GrainId grainId, string reminderName, long version, Instant tickTime);
}

/// <summary>A call did not complete within the call timeout, e.g. because of a call cycle A → B → A.</summary>
public sealed class GrainCallTimeoutException(string message) : TimeoutException(message);

/// <summary>A grain could not be activated (its constructor, state read or OnActivateAsync failed).</summary>
public sealed class GrainActivationException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A call that had to run on this silo found the grain placed elsewhere (in a cluster, its partition is held by
/// another silo or by none right now). The sender looks the owner up again and retries.
/// </summary>
public sealed class GrainNotHereException(string message) : Exception(message);
