using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Sla;

namespace ParkGrid.Domain.Escalation;

/// <summary>The steps of the escalation ladder for a breached SLA clock.</summary>
public enum EscalationStep
{
    /// <summary>Reminder letter / reminder talk to the department (seed 003 提醒函; seed 001 提醒谈话).</summary>
    [ChineseLabel("提醒函")] ReminderLetter = 1,
    /// <summary>Supervision notice (seed 003 督办书).</summary>
    [ChineseLabel("督办书")] SupervisionNotice = 2,
    /// <summary>Interview of the department head (seed 001 约谈).</summary>
    [ChineseLabel("约谈")] Interview = 3,
    /// <summary>Accountability referral (问责: 诫勉, 通报 …; seeds 001, 004).</summary>
    [ChineseLabel("问责")] AccountabilityReferral = 4,
}

/// <summary>When a step falls due: at the start (00:00 Shanghai) of <paramref name="Day"/>, a working day.</summary>
public sealed record EscalationDue(EscalationStep Step, LocalDate Day, Instant DueAt);

/// <summary>
/// The escalation ladder of a breached clock.
/// <para><b>Schedule.</b> Let D be the clock's deadline day (the breach happens at 24:00 of D). Step k
/// (1 = reminder letter … 4 = accountability referral) falls due at 00:00 of working day
/// <c>AddWorkingDays(D, 1 + (k − 1) × escalationStep)</c>: step 1 on the first working day after the deadline,
/// then one step per <c>escalationStep</c> working days.</para>
/// <para><b>Fault tolerance (容错纠错).</b> When the policy has <c>faultTolerance</c> on and the case's error was
/// declared made in good faith, steps 2–4 are held back during the grace period: they fall due no earlier than
/// <c>AddWorkingDays(D, faultToleranceGrace + 1)</c>. If the error is corrected — the clock is stopped — within
/// the grace period (by 24:00 of <c>AddWorkingDays(D, faultToleranceGrace)</c>), the ladder therefore stops at
/// step 1; if not, the withheld steps fall due when the grace ends and the ladder goes on.</para>
/// <para><b>Stopped clocks.</b> Once a clock is stopped (the overdue work is done) no further step falls due:
/// only steps due before the stop instant count.</para>
/// </summary>
public static class EscalationLadder
{
    public const int Steps = 4;

    /// <summary>The planned due days of all four steps for <paramref name="clock"/> (whether or not it is breached yet),
    /// taking fault tolerance into account. A paused clock has no schedule (empty).</summary>
    public static IReadOnlyList<EscalationDue> Schedule(SlaClock clock, Policy policy, WorkingDayCalendar calendar, bool goodFaith = false)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(calendar);
        if (clock.DeadlineDate is not { } deadline) return [];
        return Schedule(deadline, policy, calendar, goodFaith);
    }

    /// <summary>The planned due days of all four steps for a deadline day.</summary>
    public static IReadOnlyList<EscalationDue> Schedule(LocalDate deadlineDay, Policy policy, WorkingDayCalendar calendar, bool goodFaith = false)
    {
        var tolerant = policy.FaultTolerance && goodFaith;
        var graceOver = calendar.AddWorkingDays(deadlineDay, policy.FaultToleranceGrace + 1);
        var result = new List<EscalationDue>(Steps);
        for (var k = 1; k <= Steps; k++)
        {
            var day = calendar.AddWorkingDays(deadlineDay, 1 + (k - 1) * policy.EscalationStep);
            if (tolerant && k >= 2 && day < graceOver) day = graceOver;
            result.Add(new EscalationDue((EscalationStep)k, day, ChinaTime.StartOf(day)));
        }

        return result;
    }

    /// <summary>The steps due for <paramref name="clock"/> at <paramref name="now"/>, in order: the clock is breached
    /// and the step's due instant is ≤ now and (for a stopped clock) before the stop instant.</summary>
    public static IReadOnlyList<EscalationDue> DueSteps(SlaClock clock, Instant now, Policy policy, WorkingDayCalendar calendar, bool goodFaith = false)
    {
        if (!clock.IsBreachedAt(now)) return [];
        return Schedule(clock, policy, calendar, goodFaith)
            .Where(s => s.DueAt <= now && (clock.StoppedAt is not { } stopped || s.DueAt < stopped))
            .ToArray();
    }

    /// <summary>The highest step due at <paramref name="now"/>, or null when none is.</summary>
    public static EscalationStep? HighestDueStep(SlaClock clock, Instant now, Policy policy, WorkingDayCalendar calendar, bool goodFaith = false) =>
        DueSteps(clock, now, policy, calendar, goodFaith) is { Count: > 0 } due ? due[^1].Step : null;

    /// <summary>The next step not yet due at <paramref name="now"/> (for scheduling a reminder), or null when the
    /// ladder is complete, the clock is stopped, or it is paused.</summary>
    public static EscalationDue? NextStep(SlaClock clock, Instant now, Policy policy, WorkingDayCalendar calendar, bool goodFaith = false)
    {
        if (clock.IsStopped || clock.IsPaused) return null;
        return Schedule(clock, policy, calendar, goodFaith).FirstOrDefault(s => s.DueAt > now);
    }
}
