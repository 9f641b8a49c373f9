using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Policies;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>
/// The escalation ladder driven by the case's durable reminder. A slow-approval case is assigned to "approval" on Friday
/// 2025-09-26 with 2 working days to rectify: its deadline day D is Monday 09-29 (Sunday 09-28 is a make-up working day).
/// Step k falls due at 00:00 of AddWorkingDays(D, 1 + 5(k−1)), the National Day holiday (10-01 … 10-08) not counting:
///   step 1 提醒函  D+1  = 09-30
///   step 2 督办书  D+6  = 09-30, 10-09, 10-10, 10-11 (make-up Saturday), 10-13, 10-14 → 10-14
///   step 3 约谈    D+11 = … 10-15, 10-16, 10-17, 10-20, 10-21 → 10-21
///   step 4 问责    D+16 = … 10-22, 10-23, 10-24, 10-27, 10-28 → 10-28
/// </summary>
public class EscalationTests
{
    private static readonly Policy TwoDayApproval = Policy.Default.WithRectifyWithin(CaseCategory.SlowApproval, 2) with { Name = "escalation-test" };

    private static World AssignedCase(string id)
    {
        var w = new World(At(2025, 9, 26, 8)).Setup(TwoDayApproval);
        w.AdvanceTo(2025, 9, 26, 9);
        w.File(id, CaseCategory.SlowApproval);
        w.Run(async g =>
        {
            var c = g.GetGrain<ICaseGrain>(id);
            await c.StartVerification("sup-wang");
            await c.Substantiate("sup-wang", "approval stalled for two months");
            var assigned = await c.Assign("sup-wang", "approval");
            Assert.Equal(D(2025, 9, 29), assigned.ActiveClock!.DeadlineDate);
        });
        return w;
    }

    [Fact]
    public void A_case_no_one_handles_climbs_every_step_on_the_right_working_days()
    {
        const string id = "xa-esc-1";
        using var w = AssignedCase(id);

        w.AdvanceTo(At(2025, 9, 30) - NodaTime.Duration.FromSeconds(1));
        Assert.Empty(w.CaseSnapshot(id).Record.Escalations);
        w.AdvanceTo(2025, 9, 30);
        Assert.Equal([EscalationStep.ReminderLetter], w.CaseSnapshot(id).Record.Escalations.Select(e => e.Step));
        w.AdvanceTo(2025, 10, 13, 23);
        Assert.Single(w.CaseSnapshot(id).Record.Escalations); // the holiday held step 2 back
        w.AdvanceTo(2025, 12, 31);

        var record = w.CaseSnapshot(id).Record;
        Assert.Equal(
            [(EscalationStep.ReminderLetter, D(2025, 9, 30)), (EscalationStep.SupervisionNotice, D(2025, 10, 14)),
             (EscalationStep.Interview, D(2025, 10, 21)), (EscalationStep.AccountabilityReferral, D(2025, 10, 28))],
            record.Escalations.Select(e => (e.Step, e.DueDay)));
        // Each step was recorded by the reminder at 00:00 of its day, against the rectify clock, addressed to the department.
        Assert.All(record.Escalations, e =>
        {
            Assert.Equal(At(e.DueDay.Year, e.DueDay.Month, e.DueDay.Day), e.RecordedAt);
            Assert.Equal(SlaKind.Rectify, e.Clock);
            Assert.Equal("approval", e.DepartmentId);
            Assert.Equal(CaseGrain.EscalationActor, e.Actor);
        });
        Assert.Equal(4, record.History.Count(e => e.Action == CaseAction.Escalate));
        Assert.Null(w.CaseSnapshot(id).NextWakeAt); // the ladder is complete: no reminder left

        var counts = new EscalationCounts(1, 1, 1, 1);
        var department = w.Run(g => g.GetGrain<IDepartmentGrain>("approval").GetSnapshot());
        Assert.Equal(counts, department.Tally.Escalations);
        Assert.Equal(DepartmentRating.Unqualified, department.Kpi.Rating); // an accountability referral
        Assert.Equal(4, department.RecentEscalations.Count);
        var district = w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetSnapshot());
        Assert.Equal(counts, district.Escalations);
        Assert.Equal(counts, district.EscalationsByDepartment["approval"]);
        Assert.Equal(1, district.EscalatedCases);
        Assert.Equal(counts, w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetKpis()).Escalations);
    }

    [Fact]
    public void A_case_handled_in_time_never_escalates()
    {
        const string id = "xa-esc-2";
        using var w = AssignedCase(id);
        w.AdvanceTo(2025, 9, 29, 15);
        w.Run(async g =>
        {
            var c = g.GetGrain<ICaseGrain>(id);
            await c.StartRectification("approval");
            await c.ReportRectification("approval", "permit issued");
        });
        w.AdvanceTo(2025, 12, 31);

        var snapshot = w.CaseSnapshot(id);
        Assert.Empty(snapshot.Record.Escalations);
        Assert.True(snapshot.Record.LatestClock(SlaKind.Rectify)!.Clock.Met);
        Assert.Equal(default, w.Run(g => g.GetGrain<IDepartmentGrain>("approval").GetSnapshot()).Tally.Escalations);
        Assert.Equal(default, w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetSnapshot()).Escalations);
    }

    [Fact]
    public void Fault_tolerance_stops_the_ladder_at_step_1_when_the_error_is_corrected_within_the_grace()
    {
        // Grace: corrected by 24:00 of AddWorkingDays(D, 10) = 10-20. Both cases are corrected on 10-16, after the regular
        // day of step 2 (10-14): without a good-faith declaration step 2 was recorded; with one it was held back.
        const string tolerant = "xa-esc-3", strict = "xa-esc-4";
        using var w = new World(At(2025, 9, 26, 8)).Setup(TwoDayApproval);
        w.AdvanceTo(2025, 9, 26, 9);
        foreach (var id in new[] { tolerant, strict })
        {
            w.File(id, CaseCategory.SlowApproval);
            w.Run(async g =>
            {
                var c = g.GetGrain<ICaseGrain>(id);
                await World.BringToRectification(c, "approval");
            });
        }

        w.AdvanceTo(2025, 10, 9, 10);
        Assert.Single(w.CaseSnapshot(tolerant).Record.Escalations);
        w.Run(g => g.GetGrain<ICaseGrain>(tolerant).DeclareGoodFaith("sup-wang", "misread the new approval rules in good faith"));
        w.AdvanceTo(2025, 10, 14, 1);
        Assert.Single(w.CaseSnapshot(tolerant).Record.Escalations);
        Assert.Equal(2, w.CaseSnapshot(strict).Record.Escalations.Length);

        w.AdvanceTo(2025, 10, 16, 10);
        foreach (var id in new[] { tolerant, strict })
            w.Run(g => g.GetGrain<ICaseGrain>(id).ReportRectification("approval", "corrected"));
        w.AdvanceTo(2025, 12, 31);

        Assert.Equal([EscalationStep.ReminderLetter], w.CaseSnapshot(tolerant).Record.Escalations.Select(e => e.Step));
        Assert.Equal([EscalationStep.ReminderLetter, EscalationStep.SupervisionNotice], w.CaseSnapshot(strict).Record.Escalations.Select(e => e.Step));
        Assert.Equal(new EscalationCounts(2, 1, 0, 0), w.Run(g => g.GetGrain<IDepartmentGrain>("approval").GetSnapshot()).Tally.Escalations);
        Assert.Equal(new EscalationCounts(2, 1, 0, 0), w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetSnapshot()).Escalations);
    }
}
