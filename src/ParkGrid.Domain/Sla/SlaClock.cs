using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NodaTime;
using ParkGrid.Domain.Calendar;

namespace ParkGrid.Domain.Sla;

/// <summary>An SLA clock rule was violated (pausing a paused or overdue clock, resuming a running one, …).</summary>
public sealed class SlaRuleException(string message) : DomainRuleException(message);

/// <summary>One pause of a clock. <see cref="CreditedWorkingDays"/> is fixed when the pause ends (see <see cref="SlaClock"/>).</summary>
public sealed record SlaPause(Instant PausedAt, Instant? ResumedAt, int CreditedWorkingDays, string? Reason);

/// <summary>
/// An SLA clock of N working days in the Chinese calendar, judged in Asia/Shanghai. Immutable: every operation
/// returns a new clock.
/// <para><b>Deadline.</b> A clock started at instant s (Shanghai date S) with N working days ends at 24:00 of
/// <c>calendar.AddWorkingDays(S, N + P)</c>, where P is the credited paused working days: the start day is not
/// counted (Civil Code art. 201) and the last day ends at 24:00 (art. 203). It is breached from that instant on.
/// The deadline date is computed when the clock starts or resumes and stored, so a stored clock keeps its deadline.</para>
/// <para><b>Pauses</b> (e.g. waiting on the enterprise). Think of a clock as consuming one working day at the end
/// (24:00) of each working day after the start day on which it is running; it breaches when it would consume an
/// (N+1)-th. A pause from instant p (date Pd) to instant r (date Rd) therefore credits the working days d with
/// Pd ≤ d &lt; Rd and d &gt; S: each working day at whose end the clock was paused. Pausing and resuming on the same
/// day credits nothing; a pause on the start day does not credit the start day (it was never counted).
/// The deadline moves by exactly the credited days. While paused the clock has no deadline and cannot breach;
/// <see cref="ProjectedDeadlineDate"/> says where the deadline would be if it resumed at a given instant.
/// An overdue clock cannot be paused (the breach has happened), nor can a stopped one.</para>
/// </summary>
public sealed record SlaClock
{
    [JsonConstructor]
    private SlaClock()
    {
    }

    /// <summary>What the clock times, e.g. "ack", "verify", "rectify".</summary>
    [JsonInclude] public string Name { get; private init; } = "";

    /// <summary>The instant the clock started.</summary>
    [JsonInclude] public Instant StartedAt { get; private init; }

    /// <summary>The Shanghai date of <see cref="StartedAt"/> (not counted).</summary>
    [JsonInclude] public LocalDate StartDate { get; private init; }

    /// <summary>N: the working days allowed.</summary>
    [JsonInclude] public int WorkingDays { get; private init; }

    /// <summary>The pauses so far, oldest first; the last one is open while the clock is paused.</summary>
    [JsonInclude] public ImmutableArray<SlaPause> Pauses { get; private init; } = [];

    /// <summary>The last day of the period (the deadline is 24:00 of it); null while paused.</summary>
    [JsonInclude] public LocalDate? DeadlineDate { get; private init; }

    /// <summary>When the clock was stopped because the timed work was done; null while it runs.</summary>
    [JsonInclude] public Instant? StoppedAt { get; private init; }

    /// <summary>Working days credited by completed pauses.</summary>
    [JsonIgnore] public int PausedWorkingDays => Pauses.Sum(p => p.CreditedWorkingDays);

    [JsonIgnore] public bool IsPaused => Pauses.Length > 0 && Pauses[^1].ResumedAt is null;

    [JsonIgnore] public bool IsStopped => StoppedAt is not null;

    /// <summary>24:00 Shanghai time of <see cref="DeadlineDate"/>; null while paused.</summary>
    [JsonIgnore] public Instant? Deadline => DeadlineDate is { } d ? ChinaTime.EndOf(d) : null;

    /// <summary>Starts a clock of <paramref name="workingDays"/> working days at <paramref name="at"/>.</summary>
    public static SlaClock Start(string name, Instant at, int workingDays, WorkingDayCalendar calendar)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(calendar);
        if (workingDays < 1)
            throw new ArgumentOutOfRangeException(nameof(workingDays), workingDays, "An SLA clock needs at least one working day.");
        var start = ChinaTime.DateOf(at);
        return new SlaClock
        {
            Name = name,
            StartedAt = at,
            StartDate = start,
            WorkingDays = workingDays,
            DeadlineDate = calendar.AddWorkingDays(start, workingDays),
        };
    }

    /// <summary>Whether the clock is breached at <paramref name="now"/>: its deadline passed while it was running
    /// (a stopped clock is judged at its stop instant; a paused clock is never breached).</summary>
    public bool IsBreachedAt(Instant now)
    {
        if (Deadline is not { } deadline) return false;
        var judgedAt = StoppedAt is { } stopped && stopped < now ? stopped : now;
        return judgedAt >= deadline;
    }

    /// <summary>A stopped clock that stopped before its deadline.</summary>
    [JsonIgnore] public bool Met => StoppedAt is { } s && Deadline is { } d && s < d;

    /// <summary>Pauses the clock at <paramref name="at"/>.</summary>
    public SlaClock Pause(Instant at, string? reason = null)
    {
        if (IsStopped) throw new SlaRuleException($"Clock '{Name}' is stopped (at {StoppedAt}); it cannot be paused.");
        if (IsPaused) throw new SlaRuleException($"Clock '{Name}' is already paused (since {Pauses[^1].PausedAt}).");
        CheckNotBefore(at, "paused");
        if (IsBreachedAt(at))
            throw new SlaRuleException($"Clock '{Name}' is overdue since {Deadline}; an overdue clock cannot be paused.");
        return this with { Pauses = Pauses.Add(new SlaPause(at, null, 0, reason)), DeadlineDate = null };
    }

    /// <summary>Resumes a paused clock at <paramref name="at"/>, crediting the paused working days and moving the deadline.</summary>
    public SlaClock Resume(Instant at, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!IsPaused) throw new SlaRuleException($"Clock '{Name}' is not paused; it cannot be resumed.");
        CheckNotBefore(at, "resumed");
        var open = Pauses[^1];
        var credited = CreditedDays(open.PausedAt, at, calendar);
        var pauses = Pauses.SetItem(Pauses.Length - 1, open with { ResumedAt = at, CreditedWorkingDays = credited });
        return this with
        {
            Pauses = pauses,
            DeadlineDate = calendar.AddWorkingDays(StartDate, WorkingDays + pauses.Sum(p => p.CreditedWorkingDays)),
        };
    }

    /// <summary>Stops the clock: the timed work is done. A paused clock is resumed at the same instant first.</summary>
    public SlaClock Stop(Instant at, WorkingDayCalendar calendar)
    {
        if (IsStopped) throw new SlaRuleException($"Clock '{Name}' is already stopped (at {StoppedAt}).");
        CheckNotBefore(at, "stopped");
        var running = IsPaused ? Resume(at, calendar) : this;
        return running with { StoppedAt = at };
    }

    /// <summary>The deadline date if the clock ran from <paramref name="now"/> on (for a paused clock: as if resumed at now).</summary>
    public LocalDate ProjectedDeadlineDate(Instant now, WorkingDayCalendar calendar)
    {
        if (DeadlineDate is { } d) return d;
        var credited = PausedWorkingDays + CreditedDays(Pauses[^1].PausedAt, now, calendar);
        return calendar.AddWorkingDays(StartDate, WorkingDays + credited);
    }

    /// <summary>
    /// Working days still available at <paramref name="now"/>: the working days from today (counted if the clock is
    /// still running at its end) up to the deadline day, i.e. N + credited − consumed. 0 once breached or stopped.
    /// A paused clock is evaluated as if resumed now.
    /// </summary>
    public int RemainingWorkingDays(Instant now, WorkingDayCalendar calendar)
    {
        if (IsStopped || IsBreachedAt(now)) return 0;
        var today = ChinaTime.DateOf(now);
        var lastConsumed = today.PlusDays(-1) > StartDate ? today.PlusDays(-1) : StartDate;
        return Math.Max(0, calendar.WorkingDaysBetween(lastConsumed, ProjectedDeadlineDate(now, calendar)));
    }

    /// <summary>Working days overdue at <paramref name="now"/>: the working days after the deadline day up to and
    /// including today (a stopped clock: up to its stop day). 0 when not breached. The first overdue working day has 1.</summary>
    public int OverdueWorkingDays(Instant now, WorkingDayCalendar calendar)
    {
        if (!IsBreachedAt(now)) return 0;
        var judgedAt = StoppedAt is { } stopped && stopped < now ? stopped : now;
        return calendar.WorkingDaysBetween(DeadlineDate!.Value, ChinaTime.DateOf(judgedAt));
    }

    /// <summary>Working days credited for a pause from <paramref name="pausedAt"/> to <paramref name="resumedAt"/>:
    /// working days d with pause date ≤ d &lt; resume date and d after the start date.</summary>
    private int CreditedDays(Instant pausedAt, Instant resumedAt, WorkingDayCalendar calendar)
    {
        var from = ChinaTime.DateOf(pausedAt);
        var to = ChinaTime.DateOf(resumedAt);
        if (from <= StartDate) from = StartDate.PlusDays(1);
        // Count working d with from ≤ d < to  ==  WorkingDaysBetween(from − 1, to − 1).
        return to <= from ? 0 : calendar.WorkingDaysBetween(from.PlusDays(-1), to.PlusDays(-1));
    }

    private void CheckNotBefore(Instant at, string what)
    {
        var last = StartedAt;
        foreach (var p in Pauses)
        {
            if (p.PausedAt > last) last = p.PausedAt;
            if (p.ResumedAt is { } r && r > last) last = r;
        }

        if (at < last)
            throw new SlaRuleException($"Clock '{Name}' cannot be {what} at {at}: that is before its last change at {last}.");
    }
}
