using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>Contact points visiting on a durable cadence; inspection-tour findings and their look-back.</summary>
public class VisitAndLookBackTests
{
    private const string Cp = "xa-cp-01";

    /// <summary>
    /// A contact point set up on Monday 2025-11-03 with the default visitCadence P1M visits its four enterprises in rounds
    /// due on 11-03, 12-03 and 2026-01-03 — a New Year holiday, so that round moves to Sunday 01-04, a make-up working day —
    /// then 02-03. Three virtual months hold three rounds: 12 visits.
    /// A problem latent at xa-0002 is surfaced by the December round; once rectified, its follow-up is due 10 working days
    /// after the report and the January round carries out the follow-up visit and resolves it.
    /// </summary>
    [Fact]
    public void Contact_points_visit_on_cadence_surface_problems_and_follow_up()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup(enterprises: 4);
        var enterprises = new[] { "xa-0001", "xa-0002", "xa-0003", "xa-0004" };
        w.Run(g => g.GetGrain<IContactPointGrain>(Cp).Configure(new ContactPointSetup(World.Park, "xa-0001", "liaison-chen", "sup-wang", enterprises)));
        Assert.True(WorkingDayCalendar.China.IsWorkingDay(D(2026, 1, 4)));

        w.AdvanceTo(2025, 11, 20, 10);
        var problem = w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0002").ReportProblem(
            new ProblemReport(CaseCategory.UtilitiesAndLand, "power connection promised in March, still not done")));
        Assert.Null(problem.CaseId); // latent: no channel
        Assert.Equal(1, problem.PendingProblems);

        w.AdvanceTo(2025, 12, 3, 12);
        var december = w.Run(g => g.GetGrain<IContactPointGrain>(Cp).GetSnapshot()).RecentRounds[^1];
        var caseId = Assert.Single(december.RaisedCaseIds);
        var found = w.CaseSnapshot(caseId).Record;
        Assert.Equal((CaseChannel.ContactPointVisit, "sup-wang", At(2025, 12, 3, 9)), (found.Channel, found.History[0].Actor, found.ReceivedAt));

        w.AdvanceTo(2025, 12, 4, 10);
        w.Run(async g =>
        {
            var c = g.GetGrain<ICaseGrain>(caseId);
            await World.BringToRectification(c, "ecology");
        });
        w.AdvanceTo(2025, 12, 5, 10);
        var reported = w.Run(g => g.GetGrain<ICaseGrain>(caseId).ReportRectification("ecology", "connected"));
        Assert.Equal(D(2025, 12, 19), reported.Record.FollowUpDueOn);
        w.AdvanceTo(2025, 12, 19, 1);
        Assert.Equal(CaseStatus.FollowUpDue, w.CaseSnapshot(caseId).Status); // the case marks it itself on the day

        w.AdvanceTo(2026, 2, 2, 23);
        var cp = w.Run(g => g.GetGrain<IContactPointGrain>(Cp).GetSnapshot());
        Assert.Equal([D(2025, 11, 3), D(2025, 12, 3), D(2026, 1, 4)], cp.RecentRounds.Select(r => r.Day));
        Assert.Equal([At(2025, 11, 3, 9), At(2025, 12, 3, 9), At(2026, 1, 4, 9)], cp.RecentRounds.Select(r => r.At));
        Assert.Equal((3, 12L, 12L), (cp.Rounds, cp.VisitsMade, cp.VisitCapacity));
        Assert.All(cp.RecentRounds, r => Assert.Equal(enterprises, r.Visited));
        Assert.Equal(D(2026, 2, 3), cp.NextVisitOn);
        Assert.Equal((1, 1), (cp.RecentRounds[2].FollowUps, cp.RecentRounds[2].Resolved));

        var resolved = w.CaseSnapshot(caseId).Record;
        Assert.Equal(CaseStatus.Resolved, resolved.Status);
        Assert.Equal(("sup-wang", At(2026, 1, 4, 9), 90), (resolved.History[^1].Actor, resolved.History[^1].At, resolved.Satisfaction!.Value));
        Assert.Equal(1.0, w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetKpis()).SupervisorUtilisation);

        w.AdvanceTo(2026, 2, 3, 12);
        Assert.Equal(4, w.Run(g => g.GetGrain<IContactPointGrain>(Cp).GetSnapshot()).Rounds);
    }

    /// <summary>
    /// Two findings of an inspection tour are rectified, followed up and resolved on 2025-11-19; their look-backs fall
    /// due three months later, on 2026-02-19. By then xa-0001's slow approvals are back (a latent problem of the same
    /// category): that finding reopens at the look-back; the other passes.
    /// </summary>
    [Fact]
    public void A_tour_finding_that_recurs_reopens_at_its_look_back()
    {
        const string tour = "xxt-2025-2";
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        var ids = w.Run(async g =>
        {
            var t = g.GetGrain<IInspectionTourGrain>(tour);
            await t.Configure(new TourSetup(World.District, "2nd inspection tour 2025", TourTarget.Park, World.Park));
            var a = await t.AddFinding(new FindingInput("xa-0001", World.Park, CaseCategory.SlowApproval, "approvals take months", "tour-leader-he"));
            var b = await t.AddFinding(new FindingInput("xa-0002", World.Park, CaseCategory.Financing, "loan guarantee withheld", "tour-leader-he"));
            return new[] { a, b };
        });
        Assert.Equal(["xxt-2025-2-f01", "xxt-2025-2-f02"], ids);

        w.AdvanceTo(2025, 11, 5, 10);
        foreach (var id in ids)
            w.Run(async g =>
            {
                var c = g.GetGrain<ICaseGrain>(id);
                await World.BringToRectification(c, "approval");
                await c.ReportRectification("approval", "fixed");
            });
        w.AdvanceTo(2025, 11, 19, 10); // follow-up due 10 working days after 11-05
        foreach (var id in ids)
        {
            var resolved = w.Run(g => g.GetGrain<ICaseGrain>(id).Resolve("sup-wang", 90, null));
            Assert.Equal(D(2026, 2, 19), resolved.Record.LookBackDueOn);
        }

        Assert.Equal(D(2026, 2, 19), w.Run(g => g.GetGrain<IInspectionTourGrain>(tour).GetSnapshot()).NextLookBackOn);

        w.AdvanceTo(2026, 1, 12, 10);
        w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").ReportProblem(new ProblemReport(CaseCategory.SlowApproval, "the same stalls again")));

        w.AdvanceTo(2026, 2, 18, 23);
        Assert.All(ids, id => Assert.Equal(CaseStatus.Resolved, w.CaseSnapshot(id).Status));
        w.AdvanceTo(2026, 2, 19, 0);

        var recurred = w.CaseSnapshot(ids[0]).Record;
        Assert.Equal(CaseStatus.Reopened, recurred.Status);
        var reopen = recurred.History[^1];
        Assert.Equal((CaseAction.Reopen, "look-back:" + tour, At(2026, 2, 19), CaseStatus.Resolved),
            (reopen.Action, reopen.Actor, reopen.At, reopen.From));
        Assert.Contains("the same stalls again", reopen.Detail);
        var passed = w.CaseSnapshot(ids[1]).Record;
        Assert.Equal((CaseStatus.Resolved, CaseAction.PassLookBack), (passed.Status, passed.History[^1].Action));
        Assert.Null(passed.LookBackDueOn);

        var snapshot = w.Run(g => g.GetGrain<IInspectionTourGrain>(tour).GetSnapshot());
        Assert.Equal((1, 1), (snapshot.Recurrences, snapshot.LookBacksPassed));
        Assert.Equal([CaseStatus.Reopened, CaseStatus.Resolved], snapshot.Findings.Select(f => f.Status));
        Assert.Empty(w.Run(g => g.GetGrain<IEnterpriseGrain>("xa-0001").GetSnapshot()).PendingProblems); // the reopened case carries it
        Assert.Single(w.Run(g => g.GetGrain<IParkGrain>(World.Park).ListOpenCases(new CaseFilter(Status: CaseStatus.Reopened))));
        Assert.Contains(tour, w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetSnapshot()).Tours);
    }
}
