using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Policies;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

public class CaseLifecycleTests
{
    private static readonly CaseLifecycle Life = new(Policy.Default, WorkingDayCalendar.China);

    private static readonly CaseIntake Intake = new("case/xa-0001", CaseChannel.ContactPointVisit, CaseCategory.SubsidyNotPaidOnTime,
        "enterprise/xa-0001", "park/xiangan-digital", "奖补资金未到账");

    [Fact]
    public void Cases_taking_the_same_steps_share_their_history_texts()
    {
        // A case keeps its history for as long as it lives; equal details are one string, not a copy per case.
        var a = CaseIn(CaseStatus.Resolved);
        var b = CaseIn(CaseStatus.Resolved, Intake with { CaseId = "case/xa-0002", EnterpriseId = "enterprise/xa-0002" });
        Assert.Equal(a.History.Length, b.History.Length);
        var shared = 0;
        for (var i = 1; i < a.History.Length; i++) // the first entry names the enterprise, so it differs
        {
            Assert.Equal(a.History[i].Detail, b.History[i].Detail);
            if (a.History[i].Detail is not null && ReferenceEquals(a.History[i].Detail, b.History[i].Detail)) shared++;
        }

        Assert.Equal(a.History.Skip(1).Count(e => e.Detail is not null), shared);
        Assert.Contains(a.History, e => e.Detail == "department=department/finance"); // a text built afresh at each step
    }

    private static Instant Step(int i) => At(2025, 9, 1, 9).Plus(Duration.FromHours(i));

    /// <summary>A case driven along the happy path to <paramref name="status"/>, one hour per step from Mon 2025-09-01 09:00.</summary>
    internal static CaseRecord CaseIn(CaseStatus status, CaseIntake? intake = null)
    {
        var c = Life.Receive(intake ?? Intake, "clerk", Step(0));
        if (status == CaseStatus.Received) return c;
        c = Life.StartVerification(c, "supervisor", Step(1));
        if (status == CaseStatus.Verifying) return c;
        if (status == CaseStatus.Unfounded) return Life.MarkUnfounded(c, "supervisor", Step(2));
        c = Life.Substantiate(c, "supervisor", Step(2));
        if (status == CaseStatus.Substantiated) return c;
        c = Life.Assign(c, "supervisor", Step(3), "department/finance");
        if (status == CaseStatus.Assigned) return c;
        c = Life.StartRectification(c, "department/finance", Step(4));
        if (status == CaseStatus.Rectifying) return c;
        c = Life.ReportRectification(c, "department/finance", Step(5));
        if (status == CaseStatus.RectificationReported) return c;
        c = Life.MarkFollowUpDue(c, "system", Step(6));
        if (status == CaseStatus.FollowUpDue) return c;
        if (status == CaseStatus.Reopened) return Life.Reopen(c, "supervisor", Step(7), "still unpaid", 20);
        c = Life.Resolve(c, "supervisor", Step(7), 90);
        return status == CaseStatus.Resolved ? c : throw new ArgumentOutOfRangeException(nameof(status));
    }

    /// <summary>Applies any action with plausible arguments.</summary>
    internal static CaseRecord Apply(CaseLifecycle life, CaseRecord c, CaseAction action, Instant at) => action switch
    {
        CaseAction.StartVerification => life.StartVerification(c, "u", at),
        CaseAction.MarkUnfounded => life.MarkUnfounded(c, "u", at),
        CaseAction.Substantiate => life.Substantiate(c, "u", at),
        CaseAction.Assign => life.Assign(c, "u", at, "department/ecology"),
        CaseAction.StartRectification => life.StartRectification(c, "u", at),
        CaseAction.ReportRectification => life.ReportRectification(c, "u", at),
        CaseAction.MarkFollowUpDue => life.MarkFollowUpDue(c, "u", at),
        CaseAction.Resolve => life.Resolve(c, "u", at, 80),
        CaseAction.Reopen => life.Reopen(c, "u", at, "recurred", 30),
        CaseAction.PassLookBack => life.PassLookBack(c, "u", at),
        CaseAction.PauseClock => life.PauseClock(c, "u", at, "waiting on the enterprise"),
        CaseAction.ResumeClock => life.ResumeClock(c, "u", at),
        CaseAction.DeclareGoodFaith => life.DeclareGoodFaith(c, "u", at, "good-faith error"),
        CaseAction.Escalate => life.Escalate(c, "u", at),
        CaseAction.Receive => life.Receive(Intake, "u", at),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static TheoryData<CaseStatus, CaseAction, CaseStatus> LegalTransitions()
    {
        var data = new TheoryData<CaseStatus, CaseAction, CaseStatus>();
        // Escalate needs a due step; it has its own tests (below and in EscalationTests).
        foreach (var t in CaseLifecycle.Table.Where(t => t.Action != CaseAction.Escalate))
            data.Add(t.From, t.Action, t.To);
        return data;
    }

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void Every_legal_transition_moves_to_its_target_and_is_recorded(CaseStatus from, CaseAction action, CaseStatus to)
    {
        var c = CaseIn(from);
        if (action == CaseAction.ResumeClock) c = Life.PauseClock(c, "u", Step(20), "waiting");
        var after = Apply(Life, c, action, Step(21));
        Assert.Equal(to, after.Status);
        var last = after.History[^1];
        Assert.Equal(action, last.Action);
        Assert.Equal(from, last.From);
        Assert.Equal(to, last.To);
        Assert.Equal(Step(21), last.At);
        Assert.Equal("u", last.Actor);
        Assert.Equal(c.History.Length + 1, after.History.Length);
    }

    [Theory]
    [InlineData(CaseStatus.Received, CaseAction.Resolve)]
    [InlineData(CaseStatus.Received, CaseAction.Assign)]
    [InlineData(CaseStatus.Received, CaseAction.Substantiate)]
    [InlineData(CaseStatus.Verifying, CaseAction.Assign)]
    [InlineData(CaseStatus.Verifying, CaseAction.ReportRectification)]
    [InlineData(CaseStatus.Substantiated, CaseAction.Resolve)]
    [InlineData(CaseStatus.Substantiated, CaseAction.StartRectification)]
    [InlineData(CaseStatus.Substantiated, CaseAction.PauseClock)]
    [InlineData(CaseStatus.Assigned, CaseAction.ReportRectification)]
    [InlineData(CaseStatus.Rectifying, CaseAction.Resolve)]
    [InlineData(CaseStatus.RectificationReported, CaseAction.Resolve)]
    [InlineData(CaseStatus.RectificationReported, CaseAction.Reopen)]
    [InlineData(CaseStatus.FollowUpDue, CaseAction.Assign)]
    [InlineData(CaseStatus.Resolved, CaseAction.Assign)]
    [InlineData(CaseStatus.Resolved, CaseAction.Escalate)]
    [InlineData(CaseStatus.Resolved, CaseAction.Resolve)]
    [InlineData(CaseStatus.Unfounded, CaseAction.Reopen)]
    [InlineData(CaseStatus.Unfounded, CaseAction.Substantiate)]
    [InlineData(CaseStatus.Unfounded, CaseAction.Escalate)]
    [InlineData(CaseStatus.Reopened, CaseAction.Resolve)]
    [InlineData(CaseStatus.Reopened, CaseAction.ReportRectification)]
    [InlineData(CaseStatus.Reopened, CaseAction.PauseClock)]
    public void Illegal_transitions_throw_naming_state_and_action(CaseStatus from, CaseAction action)
    {
        var c = CaseIn(from);
        var e = Assert.Throws<CaseRuleException>(() => Apply(Life, c, action, Step(30)));
        Assert.Equal(from, e.Status);
        Assert.Equal(action, e.Action);
        Assert.Equal(c.Id, e.CaseId);
        Assert.Contains($"is {from}", e.Message);
        Assert.Contains($"action {action}", e.Message);
    }

    [Fact]
    public void Every_pair_outside_the_table_is_rejected_by_the_rules()
    {
        var allowed = CaseLifecycle.Table.Select(t => (t.From, t.Action)).ToHashSet();
        var illegal = 0;
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            foreach (var action in Enum.GetValues<CaseAction>())
            {
                if (allowed.Contains((status, action))) continue;
                illegal++;
                var e = Assert.Throws<CaseRuleException>(() => CaseLifecycle.Next(status, action, "case/x"));
                Assert.Contains($"is {status}", e.Message);
                Assert.Contains($"action {action}", e.Message);
            }
        }

        Assert.True(illegal > 100, $"only {illegal} illegal pairs?");
        // Receive creates a case; it is never an action on one.
        Assert.DoesNotContain(CaseLifecycle.Table, t => t.Action == CaseAction.Receive);
        Assert.Empty(CaseLifecycle.AllowedActions(CaseStatus.Unfounded));
    }

    [Fact]
    public void History_is_append_only_with_who_when_what_and_from_to()
    {
        var snapshots = new List<CaseRecord> { Life.Receive(Intake, "clerk", Step(0)) };
        snapshots.Add(Life.StartVerification(snapshots[^1], "li", Step(1)));
        snapshots.Add(Life.Substantiate(snapshots[^1], "li", Step(2), "基本属实"));
        snapshots.Add(Life.Assign(snapshots[^1], "li", Step(3), "department/finance"));
        snapshots.Add(Life.PauseClock(snapshots[^1], "department/finance", Step(4), "enterprise to provide invoices"));
        snapshots.Add(Life.ResumeClock(snapshots[^1], "department/finance", Step(30)));

        for (var i = 1; i < snapshots.Count; i++)
        {
            var before = snapshots[i - 1].History;
            var after = snapshots[i].History;
            Assert.Equal(before.Length + 1, after.Length);
            Assert.Equal(before, after.Take(before.Length)); // earlier entries untouched
            Assert.Equal(i + 1, after[^1].Sequence);
        }

        var h = snapshots[^1].History;
        Assert.Equal(new CaseEvent(1, Step(0), "clerk", CaseAction.Receive, null, CaseStatus.Received, h[0].Detail), h[0]);
        Assert.Equal((CaseAction.Substantiate, (CaseStatus?)CaseStatus.Verifying, CaseStatus.Substantiated, "li"), (h[2].Action, h[2].From, h[2].To, h[2].Actor));
        Assert.Equal((CaseAction.PauseClock, (CaseStatus?)CaseStatus.Assigned, CaseStatus.Assigned), (h[4].Action, h[4].From, h[4].To));
        Assert.Contains("department=department/finance", h[3].Detail);
        // The snapshot before the pause still has its own, shorter history.
        Assert.Equal(4, snapshots[3].History.Length);
    }

    [Fact]
    public void An_event_earlier_than_the_last_one_is_refused()
    {
        var c = CaseIn(CaseStatus.Verifying);
        var e = Assert.Throws<CaseRuleException>(() => Life.Substantiate(c, "u", Step(0)));
        Assert.Contains("earlier than its last event", e.Message);
    }

    [Fact]
    public void Clocks_follow_the_lifecycle()
    {
        var c = CaseIn(CaseStatus.Received);
        Assert.Equal(SlaKind.Acknowledge, Assert.Single(c.Clocks).Kind);
        Assert.Equal(D(2025, 9, 2), c.Clocks[0].Clock.DeadlineDate); // ackWithin 1

        c = CaseIn(CaseStatus.RectificationReported);
        Assert.Equal([SlaKind.Acknowledge, SlaKind.Verify, SlaKind.Rectify], c.Clocks.Select(k => k.Kind));
        Assert.All(c.Clocks, k => Assert.True(k.Clock.Met));
        Assert.Equal(10, c.Clocks[2].Clock.WorkingDays); // rectifyWithin[SubsidyNotPaidOnTime]
        Assert.Equal(Policy.Default.VerifyWithin, c.Clocks[1].Clock.WorkingDays);
        // Follow-up due followUpAfter (10) working days after the report on Mon 09-01: 09-15.
        Assert.Equal(D(2025, 9, 15), c.FollowUpDueOn);
        Assert.Null(c.ActiveClock);
    }

    [Fact]
    public void Reopening_into_rectification_starts_a_fresh_clock_and_counts_the_reopen()
    {
        var c = CaseIn(CaseStatus.Reopened);
        Assert.Null(c.ClosedAt);
        Assert.Equal(20, c.Satisfaction);
        c = Life.StartRectification(c, "department/finance", Step(8));
        Assert.Equal(CaseStatus.Rectifying, c.Status);
        Assert.Equal(2, c.Clocks.Count(k => k.Kind == SlaKind.Rectify));
        Assert.False(c.ActiveClock!.Clock.IsStopped);
        Assert.Equal(1, c.ReopenCount);
        Assert.Equal("department/finance", c.DepartmentId);
    }

    [Fact]
    public void A_follow_up_reopen_needs_a_satisfaction_score()
    {
        var c = CaseIn(CaseStatus.FollowUpDue);
        var e = Assert.Throws<CaseRuleException>(() => Life.Reopen(c, "u", Step(9), "unsolved"));
        Assert.Contains("satisfaction", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Life.Resolve(c, "u", Step(9), 101));
    }

    [Fact]
    public void An_unfounded_clue_against_a_cadre_requires_a_clarification_record()
    {
        var intake = Intake with { CaseId = "case/xa-0002", Category = CaseCategory.DemandingFavours, AccusedCadreId = "cadre/wang" };
        var verifying = CaseIn(CaseStatus.Verifying, intake);
        var e = Assert.Throws<CaseRuleException>(() => Life.MarkUnfounded(verifying, "u", Step(5)));
        Assert.Contains("澄清正名", e.Message);
        Assert.Throws<CaseRuleException>(() => Life.MarkUnfounded(verifying, "u", Step(5), new ClarificationRecord("cadre/li", "…")));

        var closed = Life.MarkUnfounded(verifying, "u", Step(5), new ClarificationRecord("cadre/wang", "经核查,反映问题不属实,予以澄清正名。"));
        Assert.Equal(CaseStatus.Unfounded, closed.Status);
        Assert.True(closed.IsClosed);
        Assert.Equal("cadre/wang", closed.Clarification!.CadreId);
        Assert.Equal(Step(5), closed.ClosedAt);
        Assert.Contains("clarification issued for cadre/wang", closed.History[^1].Detail);
    }

    [Fact]
    public void An_inspection_tour_finding_gets_a_look_back_three_months_after_closure_and_a_recurrence_reopens_it()
    {
        var intake = Intake with { CaseId = "case/xxt-0001", Channel = CaseChannel.InspectionTourFinding, Category = CaseCategory.SlowApproval };
        var resolved = CaseIn(CaseStatus.Resolved, intake);
        Assert.Equal(D(2025, 12, 1), resolved.LookBackDueOn); // resolved 2025-09-01 → P3M
        Assert.Null(CaseIn(CaseStatus.Resolved).LookBackDueOn);  // other channels: no look-back

        var reopened = Life.Reopen(resolved, "inspection-tour/2", At(2025, 12, 1, 10), "整改回头看: problem recurred");
        Assert.Equal(CaseStatus.Reopened, reopened.Status);
        Assert.Null(reopened.LookBackDueOn);
        var passed = Life.PassLookBack(resolved, "inspection-tour/2", At(2025, 12, 1, 10));
        Assert.Equal(CaseStatus.Resolved, passed.Status);
        Assert.Null(passed.LookBackDueOn);
    }

    [Fact]
    public void Pausing_a_case_clock_moves_its_deadline()
    {
        // Assigned Mon 09-01 12:00 → rectify 10 working days → 09-15.
        var c = CaseIn(CaseStatus.Assigned);
        Assert.Equal(D(2025, 9, 15), c.ActiveClock!.Clock.DeadlineDate);
        c = Life.PauseClock(c, "department/finance", At(2025, 9, 3, 10), "waiting on the enterprise");
        Assert.Throws<CaseRuleException>(() => Life.PauseClock(c, "u", At(2025, 9, 3, 11), "again"));
        c = Life.ResumeClock(c, "department/finance", At(2025, 9, 5, 10));
        // Credited 09-03, 09-04 → 09-17.
        Assert.Equal(D(2025, 9, 17), c.ActiveClock!.Clock.DeadlineDate);
        Assert.Contains("2 working day(s) credited", c.History[^1].Detail);
    }

    [Fact]
    public void Good_faith_needs_fault_tolerance_in_the_policy()
    {
        var strict = new CaseLifecycle(Policy.Default with { FaultTolerance = false }, WorkingDayCalendar.China);
        var c = strict.Receive(Intake, "clerk", Step(0));
        var e = Assert.Throws<CaseRuleException>(() => strict.DeclareGoodFaith(c, "u", Step(1), "x"));
        Assert.Contains("fault tolerance is off", e.Message);
        var tolerant = Life.DeclareGoodFaith(Life.Receive(Intake, "clerk", Step(0)), "u", Step(1), "x");
        Assert.True(tolerant.GoodFaith);
    }

    [Fact]
    public void Escalate_records_due_steps_and_refuses_when_none_is_due()
    {
        // Received Mon 09-01 09:00, ack within 1 → deadline 09-02; step 1 due Wed 09-03 00:00.
        var c = CaseIn(CaseStatus.Received);
        var none = Assert.Throws<CaseRuleException>(() => Life.Escalate(c, "system", At(2025, 9, 2, 18)));
        Assert.Contains("no escalation step is due", none.Message);
        c = Life.Escalate(c, "system", At(2025, 9, 3, 9));
        var record = Assert.Single(c.Escalations);
        Assert.Equal((EscalationStep.ReminderLetter, SlaKind.Acknowledge, D(2025, 9, 3)), (record.Step, record.Clock, record.DueDay));
        Assert.Equal(CaseAction.Escalate, c.History[^1].Action);
        Assert.Equal(CaseStatus.Received, c.History[^1].To);
        Assert.Contains("提醒函", c.History[^1].Detail);
    }

    [Fact]
    public void Enums_have_Chinese_labels()
    {
        Assert.Equal("码上监督", CaseChannel.QrCode.ToChinese());
        Assert.Equal("扰企监测直报", CaseChannel.HarassmentDirectReport.ToChinese());
        Assert.Equal("研判中", CaseStatus.Verifying.ToChinese());
        Assert.Equal("督办书", EscalationStep.SupervisionNotice.ToChinese());
        Assert.True(ChineseLabels.TryParseChinese<CaseCategory>("吃拿卡要", out var category));
        Assert.Equal(CaseCategory.DemandingFavours, category);
        Assert.True(ChineseLabels.For<CaseCategory>().Count >= 9);
        foreach (var e in Enum.GetValues<CaseChannel>()) Assert.NotEqual(e.ToString(), e.ToChinese());
        foreach (var e in Enum.GetValues<CaseCategory>()) Assert.NotEqual(e.ToString(), e.ToChinese());
        foreach (var e in Enum.GetValues<CaseStatus>()) Assert.NotEqual(e.ToString(), e.ToChinese());
    }
}
