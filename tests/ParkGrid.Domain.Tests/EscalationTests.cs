using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Sla;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

public class EscalationTests
{
    private static readonly WorkingDayCalendar Cn = WorkingDayCalendar.China;
    private static readonly Policy Strict = Policy.Default with { EscalationStep = 5, FaultTolerance = false };
    private static readonly Policy Tolerant = Policy.Default with { EscalationStep = 5, FaultTolerance = true, FaultToleranceGrace = 10 };

    // Started Wed 2025-09-24 09:00 with 5 working days: 09-25, 26, 28 (make-up Sunday), 29, 30 → deadline day 09-30.
    private static SlaClock Clock() => SlaClock.Start("rectify", At(2025, 9, 24, 9), 5, Cn);

    [Fact]
    public void One_step_per_escalationStep_working_days_after_the_breach()
    {
        // Step k on AddWorkingDays(09-30, 1 + 5(k−1)); October 2025 working days after the holiday:
        // 10-09 (1), 10 (2), 11 Sat make-up (3), 13 (4), 14 (5), 15 (6), 16, 17, 20, 21, 22 (11), 23, 24, 27, 28, 29 (16).
        var schedule = EscalationLadder.Schedule(Clock(), Strict, Cn);
        Assert.Equal(
            [(EscalationStep.ReminderLetter, D(2025, 10, 9)), (EscalationStep.SupervisionNotice, D(2025, 10, 15)),
             (EscalationStep.Interview, D(2025, 10, 22)), (EscalationStep.AccountabilityReferral, D(2025, 10, 29))],
            schedule.Select(s => (s.Step, s.Day)));
        Assert.All(schedule, s => Assert.Equal(ChinaTime.StartOf(s.Day), s.DueAt));
    }

    [Fact]
    public void Steps_are_due_only_from_their_day_on()
    {
        var clock = Clock();
        Assert.True(clock.IsBreachedAt(At(2025, 10, 1)));
        Assert.Empty(EscalationLadder.DueSteps(clock, At(2025, 10, 8, 23, 59), Strict, Cn)); // breached, but the office is closed
        Assert.Equal(EscalationStep.ReminderLetter, EscalationLadder.HighestDueStep(clock, At(2025, 10, 9), Strict, Cn));
        Assert.Equal(EscalationStep.ReminderLetter, EscalationLadder.HighestDueStep(clock, At(2025, 10, 14, 23), Strict, Cn));
        Assert.Equal(EscalationStep.SupervisionNotice, EscalationLadder.HighestDueStep(clock, At(2025, 10, 15, 8), Strict, Cn));
        Assert.Equal(EscalationStep.Interview, EscalationLadder.HighestDueStep(clock, At(2025, 10, 22, 8), Strict, Cn));
        Assert.Equal(EscalationStep.AccountabilityReferral, EscalationLadder.HighestDueStep(clock, At(2025, 12, 1), Strict, Cn));
        Assert.Equal(D(2025, 10, 22), EscalationLadder.NextStep(clock, At(2025, 10, 15, 8), Strict, Cn)!.Day);
    }

    [Fact]
    public void A_clock_not_yet_breached_has_no_due_step()
    {
        Assert.Null(EscalationLadder.HighestDueStep(Clock(), At(2025, 9, 30, 23), Strict, Cn));
    }

    [Fact]
    public void Stopping_the_clock_stops_the_ladder()
    {
        var stopped = Clock().Stop(At(2025, 10, 20, 10), Cn);
        Assert.Equal([EscalationStep.ReminderLetter, EscalationStep.SupervisionNotice],
            EscalationLadder.DueSteps(stopped, At(2025, 12, 1), Strict, Cn).Select(s => s.Step));
    }

    [Fact]
    public void Fault_tolerance_holds_the_ladder_at_step_1_for_a_good_faith_error_corrected_within_grace()
    {
        // Grace 10 working days after 09-30 ends with 10-21; steps 2+ are held until 10-22 (AddWorkingDays(09-30, 11)).
        var schedule = EscalationLadder.Schedule(Clock(), Tolerant, Cn, goodFaith: true);
        Assert.Equal([D(2025, 10, 9), D(2025, 10, 22), D(2025, 10, 22), D(2025, 10, 29)], schedule.Select(s => s.Day));

        // Corrected (clock stopped) on 10-20, within grace: only the reminder letter.
        var corrected = Clock().Stop(At(2025, 10, 20, 10), Cn);
        Assert.Equal([EscalationStep.ReminderLetter], EscalationLadder.DueSteps(corrected, At(2025, 12, 1), Tolerant, Cn, goodFaith: true).Select(s => s.Step));
        // Still uncorrected on 10-21 (last day of grace): still only step 1.
        Assert.Equal(EscalationStep.ReminderLetter, EscalationLadder.HighestDueStep(Clock(), At(2025, 10, 21, 18), Tolerant, Cn, goodFaith: true));

        // Without good faith, or with fault tolerance off, the same correction date has had step 2 (10-15).
        Assert.Equal(EscalationStep.SupervisionNotice, EscalationLadder.HighestDueStep(corrected, At(2025, 12, 1), Tolerant, Cn, goodFaith: false));
        Assert.Equal(EscalationStep.SupervisionNotice, EscalationLadder.HighestDueStep(corrected, At(2025, 12, 1), Strict, Cn, goodFaith: true));
    }

    [Fact]
    public void Fault_tolerance_does_not_protect_an_error_left_uncorrected_past_grace()
    {
        // Not corrected by 10-21: steps 2 and 3 both fall due on 10-22, step 4 on 10-29.
        Assert.Equal(EscalationStep.Interview, EscalationLadder.HighestDueStep(Clock(), At(2025, 10, 22, 9), Tolerant, Cn, goodFaith: true));
        var lateFix = Clock().Stop(At(2025, 10, 27, 10), Cn);
        Assert.Equal(3, EscalationLadder.DueSteps(lateFix, At(2025, 12, 1), Tolerant, Cn, goodFaith: true).Count);
    }

    [Fact]
    public void On_a_case_escalation_steps_are_recorded_on_their_working_days()
    {
        var life = new CaseLifecycle(Strict, Cn);
        var intake = new CaseIntake("case/1", CaseChannel.Hotline12345, CaseCategory.SlowApproval, "enterprise/e1", "park/p1");
        var c = life.Receive(intake, "clerk", At(2025, 9, 22, 9));
        c = life.StartVerification(c, "s", At(2025, 9, 22, 10));
        c = life.Substantiate(c, "s", At(2025, 9, 23, 10));
        // Assigned Wed 09-24 09:00; SlowApproval rectify 10 working days: 09-25, 26, 28, 29, 30, 10-09, 10, 11, 13, 14 → 10-14.
        c = life.Assign(c, "s", At(2025, 9, 24, 9), "department/approval");
        c = life.StartRectification(c, "department/approval", At(2025, 9, 24, 10));
        Assert.Equal(D(2025, 10, 14), c.ActiveClock!.Clock.DeadlineDate);

        Assert.Empty(life.PendingEscalations(c, At(2025, 10, 14, 23)));
        // Step 1 on 10-15, step 2 on AddWorkingDays(10-14, 6) = 10-22, step 3 on 10-29, step 4 on 11-05.
        c = life.Escalate(c, "system", At(2025, 10, 15, 8));
        Assert.Empty(life.PendingEscalations(c, At(2025, 10, 21, 23)));
        c = life.Escalate(c, "system", At(2025, 10, 22, 8));
        c = life.Escalate(c, "system", At(2025, 11, 6, 8)); // steps 3 and 4 together after a missed reminder
        Assert.Equal(
            [(EscalationStep.ReminderLetter, D(2025, 10, 15)), (EscalationStep.SupervisionNotice, D(2025, 10, 22)),
             (EscalationStep.Interview, D(2025, 10, 29)), (EscalationStep.AccountabilityReferral, D(2025, 11, 5))],
            c.Escalations.Select(e => (e.Step, e.DueDay)));
        Assert.All(c.Escalations, e => Assert.Equal("department/approval", e.DepartmentId));
        Assert.Equal(EscalationStep.AccountabilityReferral, c.EscalationLevel);
        Assert.Equal(4, c.History.Count(e => e.Action == CaseAction.Escalate));
        Assert.Throws<CaseRuleException>(() => life.Escalate(c, "system", At(2025, 11, 7, 8)));
    }

    [Fact]
    public void On_a_good_faith_case_corrected_within_grace_the_ladder_stops_at_step_1()
    {
        var life = new CaseLifecycle(Tolerant, Cn);
        var intake = new CaseIntake("case/2", CaseChannel.Hotline12345, CaseCategory.SlowApproval, "enterprise/e1", "park/p1");
        var c = life.Receive(intake, "clerk", At(2025, 9, 22, 9));
        c = life.StartVerification(c, "s", At(2025, 9, 22, 10));
        c = life.Substantiate(c, "s", At(2025, 9, 23, 10));
        c = life.Assign(c, "s", At(2025, 9, 24, 9), "department/approval"); // deadline 10-14
        c = life.StartRectification(c, "department/approval", At(2025, 9, 24, 10));
        c = life.Escalate(c, "system", At(2025, 10, 15, 8));                 // step 1
        c = life.DeclareGoodFaith(c, "supervisor", At(2025, 10, 16, 9), "三个区分开来: a good-faith delay");
        // Without fault tolerance step 2 would be due on 10-22; with it, held until the grace ends (10-28 = 10-14 + 10).
        Assert.Empty(life.PendingEscalations(c, At(2025, 10, 22, 9)));
        c = life.ReportRectification(c, "department/approval", At(2025, 10, 27, 10)); // corrected within grace
        Assert.Empty(life.PendingEscalations(c, At(2025, 12, 31, 9)));
        Assert.Equal(EscalationStep.ReminderLetter, c.EscalationLevel);
    }
}
