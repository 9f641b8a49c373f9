using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Escalation;
using ParkGrid.Domain.Policies;
using ParkGrid.Runtime.Reminders;
using ParkGrid.Runtime.Storage;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>Durable reminders after downtime: one tick with MissedTicks &gt; 0, and handlers that reconcile.</summary>
public class DowntimeTests
{
    [Fact]
    public void After_downtime_the_reminders_catch_up_in_one_tick_and_steps_keep_the_days_they_fell_due()
    {
        var storage = new MemoryGrainStorage();
        var reminders = new MemoryReminderTable();
        var policy = Policy.Default.WithRectifyWithin(CaseCategory.SlowApproval, 2);
        using (var before = new World(At(2025, 9, 26, 8), configure: b => b.UseStorage(storage).UseReminderTable(reminders)).Setup(policy))
        {
            before.Run(g => g.GetGrain<IContactPointGrain>("xa-cp-01").Configure(
                new ContactPointSetup(World.Park, "xa-0001", "liaison-chen", "sup-wang", ["xa-0001", "xa-0002"])));
            before.AdvanceTo(2025, 9, 26, 9);
            before.File("xa-down-1", CaseCategory.SlowApproval);
            before.Run(async g =>
            {
                // deadline 09-29; steps 09-30, 10-14, 10-21, 10-28 (see EscalationTests)
                await World.BringToAssignment(g.GetGrain<ICaseGrain>("xa-down-1"), "approval");
            });
            before.AdvanceTo(2025, 9, 29, 12);
            before.Host.Stop(); // the silo goes down before anything fell due
        }

        // Back on 2025-12-05: every step fell due meanwhile, and so did two visit rounds.
        using var after = new World(At(2025, 12, 5, 8), configure: b => b.UseStorage(storage).UseReminderTable(reminders));
        after.Host.RunReady();
        after.AdvanceTo(2025, 12, 5, 8, 1);

        var record = after.CaseSnapshot("xa-down-1").Record;
        Assert.Equal(
            [(EscalationStep.ReminderLetter, D(2025, 9, 30)), (EscalationStep.SupervisionNotice, D(2025, 10, 14)),
             (EscalationStep.Interview, D(2025, 10, 21)), (EscalationStep.AccountabilityReferral, D(2025, 10, 28))],
            record.Escalations.Select(e => (e.Step, e.DueDay)));
        Assert.All(record.Escalations, e => Assert.Equal(At(2025, 12, 5, 8), e.RecordedAt)); // recorded at the restart
        Assert.Equal(new ParkGrid.Domain.Kpis.EscalationCounts(1, 1, 1, 1),
            after.Run(g => g.GetGrain<IDistrictGrain>(World.District).GetSnapshot()).Escalations);

        // The contact point's rounds: 09-26 ran; 10-26 (a Sunday, so 10-27) and 11-26 fell due while down. One catch-up
        // round runs at the restart, dated by the first round it stands for and counting the other as missed; the schedule
        // then continues on 12-26.
        var cp = after.Run(g => g.GetGrain<IContactPointGrain>("xa-cp-01").GetSnapshot());
        Assert.Equal(2, cp.Rounds);
        Assert.Equal((D(2025, 10, 27), At(2025, 12, 5, 8), 1), (cp.RecentRounds[1].Day, cp.RecentRounds[1].At, cp.RecentRounds[1].MissedRounds));
        Assert.Equal(D(2025, 12, 26), cp.NextVisitOn);
    }
}
