using NodaTime;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Reminders;

namespace ParkGrid.Grains.Tests;

/// <summary>
/// Runtime behaviour the grains depend on, found while building them; kept as regression tests from the grains' side.
/// </summary>
public class RuntimeFindingsTests
{
    /// <summary>
    /// Case, contact-point, enterprise and department grains re-arm their reminder from inside its own tick
    /// (RegisterOrUpdateReminder with a new due time) to follow irregular schedules such as working-day deadlines.
    /// Before commit 670a2ba, ReminderService.FireAsync recorded the delivered tick on whatever row had the reminder's
    /// name, so the fresh schedule's row got the OLD tick as LastTickAt, and after a restart the next tick came at
    /// LastTickAt + Period instead of the new StartAt. The tick must only be recorded on the row version that fired.
    /// </summary>
    [Fact]
    public void A_reminder_rearmed_inside_its_own_tick_has_no_last_tick_on_its_new_row()
    {
        var table = new MemoryReminderTable();
        using var host = new GrainHostBuilder().AddGrainsFrom(typeof(RuntimeFindingsTests).Assembly).UseReminderTable(table)
            .BuildDeterministic(Instant.FromUtc(2025, 11, 3, 0, 0));
        var grain = host.GrainFactory.GetGrain<IRearmingGrain>("r");
        host.Run(() => grain.Start());
        host.AdvanceBy(Duration.FromHours(1)); // first tick: re-arms for 5 hours later, period 1 day

        var row = host.Run(() => table.ReadRowAsync(new GrainId("rearming", "r"), "r"))!;
        Assert.Equal(host.Now + Duration.FromHours(5), row.StartAt);
        Assert.Null(row.LastTickAt); // before the fix: the first tick (start + 1 h), so a restart fired at start + 25 h
    }
}

public interface IRearmingGrain : IGrainWithStringKey, IRemindable
{
    Task Start();
}

public sealed class RearmingGrain : Grain, IRearmingGrain
{
    public Task Start() => RegisterOrUpdateReminder("r", Duration.FromHours(1), Duration.FromDays(1));

    public async Task ReceiveReminder(string reminderName, TickStatus status) =>
        await RegisterOrUpdateReminder("r", Duration.FromHours(5), Duration.FromDays(1));
}
