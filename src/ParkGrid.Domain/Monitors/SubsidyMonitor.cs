using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Policies;

namespace ParkGrid.Domain.Monitors;

/// <summary>A subsidy (奖补资金) promised to an enterprise by a department; <see cref="PaidOn"/> is null until paid.</summary>
public sealed record SubsidyPromise(string Id, string EnterpriseId, string DepartmentId, decimal Amount, LocalDate PromisedOn, LocalDate? PaidOn = null);

/// <summary>A subsidy unpaid past its grace period.</summary>
/// <param name="GraceEnds">The last day of grace: <c>AddWorkingDays(PromisedOn, subsidyGrace)</c>.</param>
/// <param name="RaiseOn">The day a case is due to be raised: the day after <see cref="GraceEnds"/>.</param>
/// <param name="WorkingDaysLate">Working days after <see cref="GraceEnds"/> up to and including today.</param>
public sealed record OverdueSubsidy(SubsidyPromise Subsidy, LocalDate GraceEnds, LocalDate RaiseOn, int WorkingDaysLate);

/// <summary>
/// The overdue-subsidy monitor (奖补资金兑现不及时), a pure function. A subsidy is overdue on <c>today</c> when it is
/// not paid by today (no PaidOn, or PaidOn after today) and today is after its grace end,
/// <c>AddWorkingDays(PromisedOn, subsidyGrace)</c> — the grace counts working days, the promised day not counted.
/// </summary>
public static class SubsidyMonitor
{
    public static LocalDate GraceEnds(SubsidyPromise subsidy, Policy policy, WorkingDayCalendar calendar) =>
        calendar.AddWorkingDays(subsidy.PromisedOn, policy.SubsidyGrace);

    /// <summary>Whether the subsidy was paid by the end of its grace period (false while unpaid).</summary>
    public static bool PaidWithinGrace(SubsidyPromise subsidy, Policy policy, WorkingDayCalendar calendar) =>
        subsidy.PaidOn is { } paid && paid <= GraceEnds(subsidy, policy, calendar);

    /// <summary>The overdue subsidies on <paramref name="today"/>, oldest promise first.</summary>
    public static IReadOnlyList<OverdueSubsidy> Overdue(IEnumerable<SubsidyPromise> subsidies, LocalDate today, Policy policy, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(subsidies);
        var result = new List<OverdueSubsidy>();
        foreach (var s in subsidies.OrderBy(s => s.PromisedOn).ThenBy(s => s.Id, StringComparer.Ordinal))
        {
            if (s.PaidOn is { } paid && paid <= today) continue;
            var graceEnds = GraceEnds(s, policy, calendar);
            if (today <= graceEnds) continue;
            result.Add(new OverdueSubsidy(s, graceEnds, graceEnds.PlusDays(1), calendar.WorkingDaysBetween(graceEnds, today)));
        }

        return result;
    }

    /// <summary>The delay of a subsidy in working days on <paramref name="today"/>: working days after the promised day up to
    /// the payment day (or today while unpaid); 0 if paid on or before the promised day. This is the "subsidy delay" KPI sample.</summary>
    public static int DelayWorkingDays(SubsidyPromise subsidy, LocalDate today, WorkingDayCalendar calendar)
    {
        var end = subsidy.PaidOn is { } paid && paid <= today ? paid : today;
        return Math.Max(0, calendar.WorkingDaysBetween(subsidy.PromisedOn, end));
    }
}
