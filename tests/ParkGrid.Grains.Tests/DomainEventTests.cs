using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;

namespace ParkGrid.Grains.Tests;

public class DomainEventTests
{
    private sealed class Recorder : IDomainEventSink
    {
        public List<DomainEvent> Events { get; } = [];
        public void Publish(DomainEvent domainEvent) => Events.Add(domainEvent);
    }

    [Fact]
    public void Every_case_change_is_published_after_it_is_stored()
    {
        var recorder = new Recorder();
        var w = new World(Day.At(2025, 9, 26, 10), new ParkGridServices(events: recorder)).Setup();
        w.Run(async g =>
        {
            var c = g.GetGrain<ICaseGrain>("ev-1");
            await c.Receive(new FileCase(CaseChannel.Hotline12345, CaseCategory.SlowApproval, "xa-0001", World.Park, "12345"));
            await c.StartVerification("sup-wang");
            await c.Substantiate("sup-wang", null);
            await c.Assign("sup-wang", "approval");
        });

        var events = recorder.Events.Where(e => e.CaseId == "ev-1").ToList();
        Assert.Equal([CaseAction.Receive, CaseAction.StartVerification, CaseAction.Substantiate, CaseAction.Assign], events.Select(e => e.Action));
        Assert.Equal(CaseStatus.Assigned, events[^1].To);
        Assert.Equal("approval", events[^1].Case.DepartmentId);
        Assert.Equal("sup-wang", events[^1].Actor);
        // Each event matches the stored history entry it announces.
        var history = w.CaseSnapshot("ev-1").Record.History;
        Assert.Equal(history.Select(h => (h.Action, h.To)), events.Select(e => (e.Action, e.To)));
    }

    [Fact]
    public void A_reminder_that_changes_no_history_publishes_nothing_and_each_entry_is_published_once()
    {
        // ev-2 is assigned on Wednesday 09-24 with 2 working days to rectify: its deadline passes at the end of Friday 09-26,
        // when the case wakes (its KPI contribution changes, its history does not), and step 1 falls due two days later
        // (Sunday 09-28, a make-up working day). ev-3 is never acknowledged. Each step is one history entry.
        var recorder = new Recorder();
        var policy = Policy.Default.WithRectifyWithin(CaseCategory.SlowApproval, 2) with { Name = "events-test" };
        using var w = new World(Day.At(2025, 9, 24, 8), new ParkGridServices(events: recorder)).Setup(policy);
        w.AdvanceTo(2025, 9, 24, 9);
        w.File("ev-2", CaseCategory.SlowApproval);
        w.File("ev-3", CaseCategory.SlowApproval);
        w.Run(async g =>
        {
            await World.BringToAssignment(g.GetGrain<ICaseGrain>("ev-2"), "approval");
        });
        int Published() => recorder.Events.Count(e => e.CaseId == "ev-2");
        var assigned = Published();

        w.AdvanceTo(2025, 9, 27, 12); // past the deadline: a wake-up, no new entry
        Assert.Equal(assigned, Published());
        w.AdvanceTo(2025, 12, 31);    // four escalation steps
        w.Run(g => g.GetGrain<ICaseGrain>("ev-2").StartRectification("approval-officer"));

        foreach (var id in new[] { "ev-2", "ev-3" })
        {
            var history = w.CaseSnapshot(id).Record.History;
            var events = recorder.Events.Where(e => e.CaseId == id).ToList();
            Assert.Equal(history.Select(h => (h.At, h.Action, h.To)), events.Select(e => (e.At, e.Action, e.To)));
            Assert.Equal(4, events.Count(e => e.Action == CaseAction.Escalate));
        }
    }
}
