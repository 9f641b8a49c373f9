using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Sla;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

public class SlaClockTests
{
    private static readonly WorkingDayCalendar Cn = WorkingDayCalendar.China;

    [Fact]
    public void Five_days_from_Friday_26_September_2025_end_at_24_00_on_10_October()
    {
        var clock = SlaClock.Start("rectify", At(2025, 9, 26, 10), 5, Cn);
        Assert.Equal(D(2025, 9, 26), clock.StartDate);
        Assert.Equal(D(2025, 10, 10), clock.DeadlineDate);
        // 24:00 of 10-10 in Shanghai = 10-11 00:00 +08:00 = 10-10 16:00 UTC.
        Assert.Equal(Instant.FromUtc(2025, 10, 10, 16, 0), clock.Deadline);
        Assert.False(clock.IsBreachedAt(At(2025, 10, 10, 23, 59)));
        Assert.True(clock.IsBreachedAt(At(2025, 10, 11)));
    }

    [Fact]
    public void A_clock_started_on_a_holiday_counts_from_the_next_working_day()
    {
        // Start Fri 10-03 (holiday). Counted: 10-09, 10-10, 10-11 (make-up Sat), 10-13, 10-14.
        var clock = SlaClock.Start("ack", At(2025, 10, 3, 10), 5, Cn);
        Assert.Equal(D(2025, 10, 14), clock.DeadlineDate);
    }

    [Fact]
    public void A_clock_started_on_a_make_up_Sunday_does_not_count_that_Sunday()
    {
        // Start Sun 09-28 (a working day, but the start day is never counted). Counted: 09-29, 09-30, 10-09.
        var clock = SlaClock.Start("verify", At(2025, 9, 28, 10), 3, Cn);
        Assert.Equal(D(2025, 9, 28), clock.StartDate);
        Assert.Equal(D(2025, 10, 9), clock.DeadlineDate);
    }

    [Fact]
    public void The_start_day_is_the_Shanghai_date_not_the_UTC_date()
    {
        // 2025-09-28T16:30Z is Mon 09-29 00:30 in Shanghai. Counted: 09-30, 10-09, 10-10, 10-11, 10-13.
        // (Taking the UTC date, Sun 09-28, would give 10-11.)
        var clock = SlaClock.Start("ack", Instant.FromUtc(2025, 9, 28, 16, 30), 5, Cn);
        Assert.Equal(D(2025, 9, 29), clock.StartDate);
        Assert.Equal(D(2025, 10, 13), clock.DeadlineDate);
    }

    [Fact]
    public void A_paused_clock_shifts_its_deadline_by_the_working_days_paused()
    {
        // Start Mon 09-01 09:00, 5 days: 09-02, 03, 04, 05, 08 → deadline 09-08.
        var clock = SlaClock.Start("rectify", At(2025, 9, 1, 9), 5, Cn);
        Assert.Equal(D(2025, 9, 8), clock.DeadlineDate);

        // Paused Wed 09-03 10:00: no deadline, cannot breach.
        var paused = clock.Pause(At(2025, 9, 3, 10), "waiting on the enterprise");
        Assert.True(paused.IsPaused);
        Assert.Null(paused.DeadlineDate);
        Assert.False(paused.IsBreachedAt(At(2025, 9, 20)));
        // If resumed Mon 09-15 10:00, credited = working days 09-03 … 09-12 = 8 → AddWorkingDays(09-01, 13) = 09-18.
        Assert.Equal(D(2025, 9, 18), paused.ProjectedDeadlineDate(At(2025, 9, 15, 10), Cn));

        // Resumed Fri 09-05 15:00: credited = working days d with 09-03 ≤ d < 09-05 = {09-03, 09-04} = 2.
        var resumed = paused.Resume(At(2025, 9, 5, 15), Cn);
        Assert.Equal(2, resumed.PausedWorkingDays);
        Assert.Equal(2, resumed.Pauses[0].CreditedWorkingDays);
        // AddWorkingDays(09-01, 7) = 09-10; equivalently 09-08 moved by 2 working days.
        Assert.Equal(D(2025, 9, 10), resumed.DeadlineDate);
        Assert.False(resumed.IsBreachedAt(At(2025, 9, 10, 23)));
        Assert.True(resumed.IsBreachedAt(At(2025, 9, 11)));
    }

    [Fact]
    public void A_pause_across_National_Day_credits_only_working_days()
    {
        // Start Wed 09-24, 5 days: 09-25, 26, 28 (Sun make-up), 29, 30 → deadline 09-30.
        var clock = SlaClock.Start("rectify", At(2025, 9, 24, 9), 5, Cn);
        Assert.Equal(D(2025, 9, 30), clock.DeadlineDate);
        // Paused 09-29 10:00 – 10-09 10:00: credited {09-29, 09-30} (10-01..10-08 are off) = 2 → deadline 10-10.
        var resumed = clock.Pause(At(2025, 9, 29, 10)).Resume(At(2025, 10, 9, 10), Cn);
        Assert.Equal(2, resumed.PausedWorkingDays);
        Assert.Equal(D(2025, 10, 10), resumed.DeadlineDate);
    }

    [Fact]
    public void Pausing_and_resuming_the_same_day_or_on_the_start_day_credits_nothing_extra()
    {
        var clock = SlaClock.Start("rectify", At(2025, 9, 1, 9), 5, Cn);
        Assert.Equal(D(2025, 9, 8), clock.Pause(At(2025, 9, 3, 10)).Resume(At(2025, 9, 3, 16), Cn).DeadlineDate);
        // Paused on the start day (never counted) until Tue 10:00: nothing credited (the start day was not counted anyway).
        Assert.Equal(D(2025, 9, 8), clock.Pause(At(2025, 9, 1, 11)).Resume(At(2025, 9, 2, 10), Cn).DeadlineDate);
    }

    [Fact]
    public void Remaining_and_overdue_working_days()
    {
        var clock = SlaClock.Start("rectify", At(2025, 9, 26, 10), 5, Cn);
        Assert.Equal(5, clock.RemainingWorkingDays(At(2025, 9, 26, 11), Cn));
        Assert.Equal(5, clock.RemainingWorkingDays(At(2025, 9, 27, 11), Cn)); // Saturday: nothing consumed yet
        Assert.Equal(4, clock.RemainingWorkingDays(At(2025, 9, 29, 11), Cn)); // 09-28 consumed
        Assert.Equal(2, clock.RemainingWorkingDays(At(2025, 10, 5, 11), Cn)); // 09-28, 29, 30 consumed
        Assert.Equal(1, clock.RemainingWorkingDays(At(2025, 10, 10, 12), Cn));
        Assert.Equal(0, clock.OverdueWorkingDays(At(2025, 10, 10, 12), Cn));
        Assert.Equal(0, clock.RemainingWorkingDays(At(2025, 10, 11, 1), Cn));
        Assert.Equal(1, clock.OverdueWorkingDays(At(2025, 10, 11, 1), Cn));   // Sat 10-11 is a make-up working day
        Assert.Equal(1, clock.OverdueWorkingDays(At(2025, 10, 12, 1), Cn));   // Sunday adds nothing
        Assert.Equal(2, clock.OverdueWorkingDays(At(2025, 10, 13, 1), Cn));
    }

    [Fact]
    public void Remaining_days_of_a_paused_clock_stop_counting_down()
    {
        // Start Mon 09-01, 5 days; consumed 09-02, paused Wed 09-03 → 4 remain however long the pause lasts.
        var paused = SlaClock.Start("rectify", At(2025, 9, 1, 9), 5, Cn).Pause(At(2025, 9, 3, 10));
        Assert.Equal(4, paused.RemainingWorkingDays(At(2025, 9, 4, 12), Cn));
        Assert.Equal(4, paused.RemainingWorkingDays(At(2025, 9, 19, 12), Cn));
    }

    [Fact]
    public void A_stopped_clock_is_judged_at_its_stop()
    {
        var clock = SlaClock.Start("rectify", At(2025, 9, 26, 10), 5, Cn);
        var met = clock.Stop(At(2025, 10, 10, 18), Cn);
        Assert.True(met.Met);
        Assert.False(met.IsBreachedAt(At(2026, 1, 1)));
        var late = clock.Stop(At(2025, 10, 13, 9), Cn);
        Assert.False(late.Met);
        Assert.True(late.IsBreachedAt(At(2026, 1, 1)));
        Assert.Equal(2, late.OverdueWorkingDays(At(2026, 1, 1), Cn)); // 10-11, 10-13
    }

    [Fact]
    public void Stopping_a_paused_clock_resumes_it_first()
    {
        var stopped = SlaClock.Start("rectify", At(2025, 9, 1, 9), 5, Cn).Pause(At(2025, 9, 3, 10)).Stop(At(2025, 9, 5, 15), Cn);
        Assert.False(stopped.IsPaused);
        Assert.Equal(D(2025, 9, 10), stopped.DeadlineDate);
        Assert.True(stopped.Met);
    }

    [Fact]
    public void Illegal_clock_operations_throw()
    {
        var clock = SlaClock.Start("rectify", At(2025, 9, 1, 9), 5, Cn);
        Assert.Throws<SlaRuleException>(() => clock.Resume(At(2025, 9, 2), Cn));
        var paused = clock.Pause(At(2025, 9, 2));
        Assert.Throws<SlaRuleException>(() => paused.Pause(At(2025, 9, 3)));
        Assert.Throws<SlaRuleException>(() => paused.Resume(At(2025, 9, 1, 12), Cn)); // before the pause
        var overdue = Assert.Throws<SlaRuleException>(() => clock.Pause(At(2025, 9, 9, 8)));
        Assert.Contains("overdue", overdue.Message);
        var stopped = clock.Stop(At(2025, 9, 3), Cn);
        Assert.Throws<SlaRuleException>(() => stopped.Pause(At(2025, 9, 4)));
        Assert.Throws<SlaRuleException>(() => stopped.Stop(At(2025, 9, 4), Cn));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlaClock.Start("x", At(2025, 9, 1), 0, Cn));
    }

    [Fact]
    public void A_clock_running_past_the_loaded_calendar_throws()
    {
        Assert.Throws<CalendarCoverageException>(() => SlaClock.Start("rectify", At(2026, 12, 28, 9), 10, Cn));
    }
}
