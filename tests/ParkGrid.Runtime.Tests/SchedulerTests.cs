using System.Runtime.CompilerServices;
using NodaTime;
using ParkGrid.Runtime.Scheduling;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class SchedulerTests
{
    [Fact]
    public void A_cancelled_event_waiting_in_the_queue_no_longer_keeps_its_state_alive()
    {
        var start = Instant.FromUtc(2025, 1, 1, 0, 0);
        var scheduler = new DeterministicScheduler(start);
        var ran = 0;
        var (handle, state) = Schedule(scheduler, start + Duration.FromDays(30), () => ran++);
        var kept = Schedule(scheduler, start + Duration.FromDays(30), () => ran += 10).State;

        handle.Cancel();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(2, scheduler.PendingTimedEvents); // still queued until its time …
        Assert.False(state.TryGetTarget(out _));       // … but what it would have run is gone
        Assert.True(kept.TryGetTarget(out _));
        scheduler.RunUntil(start + Duration.FromDays(31));
        Assert.Equal(10, ran);
        Assert.Equal(0, scheduler.PendingTimedEvents);
    }

    // Not inlined: no local of the caller may keep the state reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ScheduledCallback Handle, WeakReference<object> State) Schedule(DeterministicScheduler scheduler, Instant due, Action run)
    {
        var state = new Box(run);
        return (scheduler.ScheduleAt(due, static s => ((Box)s!).Run(), state), new WeakReference<object>(state));
    }

    private sealed class Box(Action run)
    {
        public void Run() => run();
    }
}
