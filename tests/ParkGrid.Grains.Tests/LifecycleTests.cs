using ParkGrid.Domain;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Sla;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>The case lifecycle through the grain: every transition, refusals, the audit trail, policy versions.</summary>
public class LifecycleTests
{
    [Fact]
    public void An_illegal_transition_is_refused_naming_status_and_action_and_nothing_changes()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        w.AdvanceTo(2025, 11, 3, 9);
        const string id = "xa-2025-0101";
        w.File(id, CaseCategory.SlowApproval);
        var before = World.Json(w.CaseSnapshot(id)); // after its report went out to park and enterprise

        w.AdvanceTo(2025, 11, 3, 10);
        var error = Assert.Throws<CaseRuleException>(() => w.Run(g => g.GetGrain<ICaseGrain>(id).Resolve("sup-wang", 90, null)));
        Assert.Contains("Received", error.Message);
        Assert.Contains("Resolve", error.Message);
        Assert.Equal((CaseStatus.Received, CaseAction.Resolve), (error.Status, error.Action));

        var assign = Assert.Throws<CaseRuleException>(() => w.Run(g => g.GetGrain<ICaseGrain>(id).Assign("sup-wang", "approval")));
        Assert.Contains("Assign", assign.Message);

        // Filing another clue under the same id is refused too; the very same clue again is a harmless retry.
        var refile = Assert.Throws<CaseRuleException>(() => w.File(id, CaseCategory.Financing));
        Assert.Equal((CaseStatus.Received, CaseAction.Receive), (refile.Status, refile.Action));
        w.File(id, CaseCategory.SlowApproval);

        var after = w.CaseSnapshot(id);
        Assert.Equal(before, World.Json(after));
        Assert.Single(after.Record.History);
        Assert.Equal(1, w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetSnapshot()).CasesTotal);

        Assert.Throws<KeyNotFoundException>(() => w.Run(g => g.GetGrain<ICaseGrain>("no-such-case").StartVerification("sup-wang")));
    }

    [Fact]
    public void Every_change_is_in_the_history_with_who_when_and_what_and_every_transition_works()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup(Policy.Default with { FollowUpAfter = 2 });
        const string id = "xa-2025-0102";
        var steps = new (int Day, int Hour, string Actor, Func<ICaseGrain, Task<CaseSnapshot>> Act, CaseAction Action, CaseStatus? From, CaseStatus To)[]
        {
            (3, 9, "clerk-zhao", c => c.Receive(new FileCase(CaseChannel.QrCode, CaseCategory.PolicyNotImplemented, "xa-0001", World.Park, "clerk-zhao", "tax rebate not applied")),
                CaseAction.Receive, null, CaseStatus.Received),
            (3, 11, "sup-wang", c => c.StartVerification("sup-wang"), CaseAction.StartVerification, CaseStatus.Received, CaseStatus.Verifying),
            (4, 9, "sup-wang", c => c.PauseClock("sup-wang", "waiting for the enterprise's invoices"), CaseAction.PauseClock, CaseStatus.Verifying, CaseStatus.Verifying),
            (6, 9, "sup-wang", c => c.ResumeClock("sup-wang"), CaseAction.ResumeClock, CaseStatus.Verifying, CaseStatus.Verifying),
            (6, 15, "sup-li", c => c.Substantiate("sup-li", "rebate withheld"), CaseAction.Substantiate, CaseStatus.Verifying, CaseStatus.Substantiated),
            (7, 9, "sup-li", c => c.Assign("sup-li", "finance"), CaseAction.Assign, CaseStatus.Substantiated, CaseStatus.Assigned),
            (7, 10, "finance-liu", c => c.StartRectification("finance-liu"), CaseAction.StartRectification, CaseStatus.Assigned, CaseStatus.Rectifying),
            (10, 16, "finance-liu", c => c.ReportRectification("finance-liu", "rebate paid"), CaseAction.ReportRectification, CaseStatus.Rectifying, CaseStatus.RectificationReported),
            // 11-12 00:00: the case marks its own follow-up due (2 working days after 11-10).
            (12, 10, "sup-wang", c => c.Reopen("sup-wang", "rebate paid only in part", 40), CaseAction.Reopen, CaseStatus.FollowUpDue, CaseStatus.Reopened),
            (12, 11, "sup-wang", c => c.Assign("sup-wang", "market"), CaseAction.Assign, CaseStatus.Reopened, CaseStatus.Assigned),
            (12, 12, "market-sun", c => c.StartRectification("market-sun"), CaseAction.StartRectification, CaseStatus.Assigned, CaseStatus.Rectifying),
            (13, 16, "market-sun", c => c.ReportRectification("market-sun", "paid in full"), CaseAction.ReportRectification, CaseStatus.Rectifying, CaseStatus.RectificationReported),
            // 11-17 00:00: follow-up due again.
            (17, 10, "sup-wang", c => c.Resolve("sup-wang", 95, "satisfied"), CaseAction.Resolve, CaseStatus.FollowUpDue, CaseStatus.Resolved),
        };
        foreach (var s in steps)
        {
            w.AdvanceTo(2025, 11, s.Day, s.Hour);
            var snapshot = w.Run(g => s.Act(g.GetGrain<ICaseGrain>(id)));
            Assert.Equal(s.To, snapshot.Status);
        }

        var history = w.CaseSnapshot(id).Record.History;
        var expected = new List<(int, NodaTime.Instant, string, CaseAction, CaseStatus?, CaseStatus)>();
        foreach (var s in steps)
        {
            if (s.Action == CaseAction.Reopen)
                expected.Add((0, At(2025, 11, 12), CaseGrain.FollowUpActor, CaseAction.MarkFollowUpDue, CaseStatus.RectificationReported, CaseStatus.FollowUpDue));
            if (s.Action == CaseAction.Resolve)
                expected.Add((0, At(2025, 11, 17), CaseGrain.FollowUpActor, CaseAction.MarkFollowUpDue, CaseStatus.RectificationReported, CaseStatus.FollowUpDue));
            expected.Add((0, At(2025, 11, s.Day, s.Hour), s.Actor, s.Action, s.From, s.To));
        }

        Assert.Equal(expected.Select((e, i) => e with { Item1 = i + 1 }), history.Select(e => (e.Sequence, e.At, e.Actor, e.Action, e.From, e.To)));
        Assert.All(history.Where(e => e.Action != CaseAction.MarkFollowUpDue), e => Assert.False(string.IsNullOrWhiteSpace(e.Detail)));

        // The department moved: finance no longer holds the case, market does (resolved, so no open assignment).
        var finance = w.Run(g => g.GetGrain<IDepartmentGrain>("finance").GetSnapshot());
        var market = w.Run(g => g.GetGrain<IDepartmentGrain>("market").GetSnapshot());
        Assert.Equal((0, 0, 1), (finance.Tally.Cases, finance.OpenAssignments, market.Tally.Cases));
        Assert.Equal(1.0, market.Kpi.SatisfactionRate);
        // The verify clock was paused 11-04 → 11-06: 11-04 and 11-05 credited.
        Assert.Equal(2, w.CaseSnapshot(id).Record.LatestClock(SlaKind.Verify)!.Clock.PausedWorkingDays);
    }

    [Fact]
    public void Unfounded_clues_against_cadres_get_a_clarification_registered_by_the_district()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        const string id = "xa-2025-0103";
        w.AdvanceTo(2025, 11, 3, 9);
        w.File(id, CaseCategory.DemandingFavours, accused: "cadre-li");
        w.Run(g => g.GetGrain<ICaseGrain>(id).StartVerification("sup-wang"));
        w.AdvanceTo(2025, 11, 5, 9);
        var missing = Assert.Throws<CaseRuleException>(() => w.Run(g => g.GetGrain<ICaseGrain>(id).MarkUnfounded("sup-wang", "no evidence", null)));
        Assert.Contains("clarification", missing.Message);
        var closed = w.Run(g => g.GetGrain<ICaseGrain>(id).MarkUnfounded("sup-wang", "no evidence", new ClarificationRecord("cadre-li", "经查不属实,予以澄清正名")));
        Assert.Equal(CaseStatus.Unfounded, closed.Status);

        var notice = Assert.Single(w.Run(g => g.GetGrain<IDistrictGrain>(World.District).ListClarifications()));
        Assert.Equal((id, "cadre-li", At(2025, 11, 5, 9)), (notice.CaseId, notice.CadreId, notice.At));
        Assert.Equal(0, w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetSnapshot()).OpenCases);
        Assert.Null(w.Run(g => g.GetGrain<ICaseGrain>(id).GetReporterContact())); // an anonymous report

        // A reporter's contact details are kept apart: in no snapshot, readable only through GetReporterContact.
        var named = w.Run(g => g.GetGrain<ICaseGrain>("xa-2025-0104").Receive(new FileCase(CaseChannel.Report12388, CaseCategory.ImproperBanquetsOrGifts,
            "xa-0002", World.Park, "12388", "banquet paid by the enterprise", ReporterContact: "138-0000-0000")));
        Assert.DoesNotContain("138-0000-0000", World.Json(named));
        Assert.Equal("138-0000-0000", w.Run(g => g.GetGrain<ICaseGrain>("xa-2025-0104").GetReporterContact()));
    }

    [Fact]
    public void A_policy_change_gives_new_clocks_the_new_deadlines_and_existing_clocks_keep_theirs()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        w.AdvanceTo(2025, 11, 3, 9);
        var old = w.File("xa-2025-0201", CaseCategory.SlowApproval);
        Assert.Equal(D(2025, 11, 4), old.ActiveClock!.DeadlineDate); // ackWithin 1 (v1, baseline)

        w.AdvanceTo(2025, 11, 3, 12);
        var v2 = w.Run(g => g.GetGrain<IDistrictGrain>(World.District).SetPolicy(
            Policy.Default with { Name = "slower-ack", AckWithin = 5, VerifyWithin = 3 }, "director-xu"));
        Assert.Equal(("slower-ack", 2), (v2.Name, v2.Version));

        w.AdvanceTo(2025, 11, 3, 13);
        var fresh = w.File("xa-2025-0202", CaseCategory.SlowApproval);
        Assert.Equal(D(2025, 11, 10), fresh.ActiveClock!.DeadlineDate);   // ackWithin 5 from Monday
        Assert.Equal(D(2025, 11, 4), w.CaseSnapshot("xa-2025-0201").ActiveClock!.DeadlineDate); // unchanged

        // The old case's next clock starts under the new policy.
        var verifying = w.Run(g => g.GetGrain<ICaseGrain>("xa-2025-0201").StartVerification("sup-wang"));
        Assert.Equal(D(2025, 11, 6), verifying.ActiveClock!.DeadlineDate); // verifyWithin 3
        Assert.Equal(("slower-ack", 2), (verifying.Record.PolicyName, verifying.Record.PolicyVersion));

        var district = w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetSnapshot());
        Assert.Equal([("baseline", 1, (NodaTime.Instant?)null), ("slower-ack", 2, At(2025, 11, 3, 12))],
            district.PolicyHistory.Select(p => (p.Name, p.Version, p.EffectiveFrom)));

        var invalid = Assert.Throws<PolicyValidationException>(() =>
            w.Run(g => g.GetGrain<IDistrictGrain>(World.District).SetPolicy(Policy.Default with { AckWithin = 0 }, "director-xu")));
        Assert.Contains("ackWithin", invalid.Message);
        Assert.Equal(2, w.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetPolicy()).Version);
    }

    [Fact]
    public void A_closed_case_leaves_memory_once_its_last_report_is_out_and_comes_back_whole_when_read()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup();
        w.AdvanceTo(2025, 11, 3, 9);
        w.File("xa-open", CaseCategory.SlowApproval);
        w.File("xa-closed", CaseCategory.SlowApproval);
        var unfounded = w.Run(async g =>
        {
            var c = g.GetGrain<ICaseGrain>("xa-closed");
            await c.StartVerification("sup-wang");
            return await c.MarkUnfounded("sup-wang", "no evidence", null);
        });
        long Cases() => w.Host.Runtime.Statistics.ActivationsByType.GetValueOrDefault("case");

        // A minute later (well within the idle collection age): its outbox has reported the closing, and it has gone.
        w.AdvanceTo(2025, 11, 3, 9, 1);
        Assert.Equal(1, Cases()); // the open case stays
        var park = w.Run(g => g.GetGrain<IParkGrain>(World.Park).GetSnapshot());
        Assert.Equal((2, 1), (park.CasesTotal, park.OpenCases)); // the park had the last report before the case left

        var reread = w.CaseSnapshot("xa-closed"); // activated again, from storage
        Assert.Equal(2, Cases());
        Assert.Equal(World.Json(unfounded.Record), World.Json(reread.Record));
        Assert.Empty(reread.PendingDelivery);
    }
}
