using ParkGrid.Domain.Cases;

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
}
