using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Runtime;
using static ParkGrid.Grains.Tests.Day;

namespace ParkGrid.Grains.Tests;

/// <summary>State survives deactivation: every grain type is collected and read back unchanged.</summary>
public class PersistenceTests
{
    [Fact]
    public void Every_grain_reads_back_unchanged_after_deactivation()
    {
        using var w = new World(At(2025, 11, 3, 8)).Setup(enterprises: 3);
        w.Run(async g =>
        {
            await g.GetGrain<IContactPointGrain>("xa-cp-01").Configure(new ContactPointSetup(World.Park, "xa-0001", "liaison-chen", "sup-wang", ["xa-0001", "xa-0002"]));
            await g.GetGrain<IDepartmentGrain>("ecology").PlanInspections([new PlannedInspection("xa-0003", D(2025, 11, 20)), new PlannedInspection("xa-0003", D(2026, 1, 15))]);
            await g.GetGrain<IEnterpriseGrain>("xa-0003").PromiseSubsidy(new SubsidyInput("s1", "finance", 10_000m, D(2025, 11, 3)));
            await g.GetGrain<IEnterpriseGrain>("xa-0002").ReportProblem(new ProblemReport(CaseCategory.Financing, "loan refused"));
            var t = g.GetGrain<IInspectionTourGrain>("tour-1");
            await t.Configure(new TourSetup(World.District, "tour", TourTarget.Park, World.Park));
            await t.AddFinding(new FindingInput("xa-0001", World.Park, CaseCategory.SlowApproval, "slow", "leader"));
        });
        w.AdvanceTo(2025, 11, 4, 9);
        w.File("xa-case-1", CaseCategory.SlowApproval, accused: "cadre-zhou");
        w.Run(async g =>
        {
            await World.BringToAssignment(g.GetGrain<ICaseGrain>("xa-case-1"), "approval");
        });
        w.AdvanceTo(2025, 12, 10, 12); // escalations, a visit round, the subsidy monitor, an inspection

        var grains = new (GrainId Id, Func<IGrainFactory, Task<object>> Read)[]
        {
            (new("district", World.District), async g => await g.GetGrain<IDistrictGrain>(World.District).GetSnapshot()),
            (new("park", World.Park), async g => new object[] { await g.GetGrain<IParkGrain>(World.Park).GetSnapshot(), await g.GetGrain<IParkGrain>(World.Park).GetKpiTally(), await g.GetGrain<IParkGrain>(World.Park).ListOpenCases(new CaseFilter()) }),
            (new("enterprise", "xa-0002"), async g => await g.GetGrain<IEnterpriseGrain>("xa-0002").GetSnapshot()),
            (new("enterprise", "xa-0003"), async g => await g.GetGrain<IEnterpriseGrain>("xa-0003").GetSnapshot()),
            (new("contact-point", "xa-cp-01"), async g => await g.GetGrain<IContactPointGrain>("xa-cp-01").GetSnapshot()),
            (new("department", "approval"), async g => await g.GetGrain<IDepartmentGrain>("approval").GetSnapshot()),
            (new("department", "ecology"), async g => await g.GetGrain<IDepartmentGrain>("ecology").GetSnapshot()),
            (new("case", "xa-case-1"), async g => await g.GetGrain<ICaseGrain>("xa-case-1").GetSnapshot()),
            (new("inspection-tour", "tour-1"), async g => await g.GetGrain<IInspectionTourGrain>("tour-1").GetSnapshot()),
        };

        var before = grains.Select(x => World.Json(w.Run(x.Read))).ToArray();
        // Something happened to each of them.
        Assert.NotEmpty(w.CaseSnapshot("xa-case-1").Record.Escalations);
        Assert.Contains("xa-0003-subsidy-s1", before[3]);
        Assert.Contains("\"rounds\":2", before[4]);

        foreach (var (id, _) in grains)
        {
            Assert.True(w.Host.Runtime.IsActive(id), $"{id} should be active");
            w.Run(_ => w.Host.Runtime.DeactivateAsync(id));
            Assert.False(w.Host.Runtime.IsActive(id), $"{id} should be deactivated");
        }

        var after = grains.Select(x => World.Json(w.Run(x.Read))).ToArray();
        Assert.Equal(before, after);

        // Idle collection too: after the collection age every grain is gone, and reminders bring the busy ones back.
        w.AdvanceBy(Duration.FromMinutes(30));
        Assert.False(w.Host.Runtime.IsActive(new GrainId("inspection-tour", "tour-1")));
        w.AdvanceTo(2026, 1, 20, 12); // the January round and inspection ran on re-activated grains
        Assert.Equal(3, w.Run(g => g.GetGrain<IContactPointGrain>("xa-cp-01").GetSnapshot()).Rounds);
        Assert.Equal(2, w.Run(g => g.GetGrain<IDepartmentGrain>("ecology").GetSnapshot()).InspectionsDone);
    }

    [Fact]
    public void The_calendar_out_of_range_behaviour_is_the_host_s_choice()
    {
        // 2027 has no published holiday schedule: by default a clock in it is refused with the reason.
        using (var strict = new World(At(2026, 12, 28, 9)).Setup())
        {
            strict.AdvanceTo(2026, 12, 31, 10);
            var error = Assert.Throws<CalendarCoverageException>(() => strict.File("late-1", CaseCategory.Financing));
            Assert.Contains("2027", error.Message);
        }

        // A simulation into 2027 opts in to plain weekends explicitly.
        using var lenient = new World(At(2026, 12, 28, 9), new ParkGridServices(OutOfRangeBehavior.AssumeWeekendsOnly)).Setup();
        lenient.AdvanceTo(2026, 12, 31, 10); // Thursday
        var c = lenient.File("late-2", CaseCategory.Financing);
        Assert.Equal(D(2027, 1, 1), c.ActiveClock!.DeadlineDate); // ackWithin 1: Friday 2027-01-01 is assumed a working day
    }
}
