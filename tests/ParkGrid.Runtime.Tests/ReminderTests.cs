using NodaTime;
using ParkGrid.Runtime.Reminders;
using ParkGrid.Runtime.Storage;
using Xunit;

namespace ParkGrid.Runtime.Tests;

public class ReminderTests
{
    [Fact]
    public void Reminders_fire_on_schedule_and_activate_their_grain()
    {
        using var host = TestHosts.Deterministic(b => b.Configure(o => o.CollectionAge = Duration.FromMinutes(5)));
        var grain = host.GrainFactory.GetGrain<IReminderGrain>(TestHosts.Key());
        var start = host.Now;
        host.Run(() => grain.Register("follow-up", Duration.FromHours(1), Duration.FromHours(1)));
        host.AdvanceBy(Duration.FromHours(3).Plus(Duration.FromMinutes(30)));

        // The grain was collected between ticks (5 min collection age) and each tick re-activated it.
        var received = host.Run(() => grain.Received());
        Assert.Equal([start + Duration.FromHours(1), start + Duration.FromHours(2), start + Duration.FromHours(3)], received.Select(r => r.CurrentTickTime));
        Assert.All(received, r => Assert.Equal(0, r.MissedTicks));
        Assert.Equal(3, host.Runtime.Statistics.RemindersFired);
    }

    [Fact]
    public void A_virtual_year_of_daily_reminders_runs_without_waiting()
    {
        using var host = TestHosts.Deterministic();
        var grain = host.GrainFactory.GetGrain<IReminderGrain>(TestHosts.Key());
        host.Run(() => grain.Register("daily", Duration.FromDays(1), Duration.FromDays(1)));
        host.AdvanceBy(Duration.FromDays(365));
        Assert.Equal(365, host.Run(() => grain.Received()).Count);
    }

    [Fact]
    public void Reminders_survive_a_restart_and_report_ticks_missed_while_down()
    {
        var table = new MemoryReminderTable();
        var storage = new MemoryGrainStorage();
        var key = TestHosts.Key();
        var start = TestHosts.Start;

        using (var first = TestHosts.Deterministic(b => b.UseReminderTable(table).UseStorage(storage), start))
        {
            first.Run(() => first.GrainFactory.GetGrain<IReminderGrain>(key).Register("hourly", Duration.FromHours(1), Duration.FromHours(1)));
            first.AdvanceBy(Duration.FromHours(3).Plus(Duration.FromMinutes(10))); // ticks at 1h, 2h, 3h
            first.Stop();
        }

        // Down from 3h10m to 10h30m: the ticks of 4h..10h fell due meanwhile.
        using var second = TestHosts.Deterministic(b => b.UseReminderTable(table).UseStorage(storage), start + Duration.FromHours(10).Plus(Duration.FromMinutes(30)));
        second.RunReady();
        var afterRestart = second.Run(() => second.GrainFactory.GetGrain<IReminderGrain>(key).Received());
        Assert.Equal(4, afterRestart.Count);
        var catchUp = afterRestart[3];
        Assert.Equal(start + Duration.FromHours(10), catchUp.CurrentTickTime); // the latest due tick, delivered once
        Assert.Equal(6, catchUp.MissedTicks);                                   // 4h..9h were not delivered
        Assert.Equal(start + Duration.FromHours(1), catchUp.FirstTickTime);

        second.AdvanceBy(Duration.FromHours(1));
        var later = second.Run(() => second.GrainFactory.GetGrain<IReminderGrain>(key).Received());
        Assert.Equal(start + Duration.FromHours(11), later[^1].CurrentTickTime);
        Assert.Equal(0, later[^1].MissedTicks);
    }

    [Fact]
    public void A_reminder_rearmed_inside_its_own_tick_keeps_its_new_schedule_across_a_restart()
    {
        var table = new MemoryReminderTable();
        var storage = new MemoryGrainStorage();
        var key = TestHosts.Key();
        var start = TestHosts.Start;
        using (var first = TestHosts.Deterministic(b => b.UseReminderTable(table).UseStorage(storage), start))
        {
            first.Run(() => first.GrainFactory.GetGrain<IRearmingGrain>(key).Start());
            first.AdvanceBy(Duration.FromHours(2)); // tick at 1 h re-arms the reminder for 6 h, daily
            var row = first.Run(() => table.ReadRowAsync(new GrainId("rearming", key), "r"))!;
            Assert.Equal(start + Duration.FromHours(6), row.StartAt);
            Assert.Null(row.LastTickAt); // the old schedule's tick is not stamped on the new row
            first.Stop();
        }
        using var second = TestHosts.Deterministic(b => b.UseReminderTable(table).UseStorage(storage), start + Duration.FromHours(3));
        second.AdvanceBy(Duration.FromHours(4));
        Assert.Equal([start + Duration.FromHours(1), start + Duration.FromHours(6)], second.Run(() => second.GrainFactory.GetGrain<IRearmingGrain>(key).Ticks()));
    }

    [Fact]
    public void An_unregistered_reminder_stops_and_its_row_is_gone()
    {
        var table = new MemoryReminderTable();
        using var host = TestHosts.Deterministic(b => b.UseReminderTable(table));
        var key = TestHosts.Key();
        var grain = host.GrainFactory.GetGrain<IReminderGrain>(key);
        host.Run(() => grain.Register("r", Duration.FromMinutes(1), Duration.FromMinutes(1)));
        host.AdvanceBy(Duration.FromMinutes(2));
        host.Run(() => grain.Unregister("r"));
        host.AdvanceBy(Duration.FromMinutes(10));
        Assert.Equal(2, host.Run(() => grain.Received()).Count);
        Assert.Empty(host.Run(() => table.ReadAllAsync()));
    }

    [Fact]
    public void A_grain_that_is_not_remindable_cannot_register_a_reminder()
    {
        using var host = TestHosts.Deterministic();
        var error = Assert.Throws<InvalidOperationException>(() => host.Run(() => host.GrainFactory.GetGrain<IRegistersWithoutRemindable>("x").Try()));
        Assert.Contains("IRemindable", error.Message);
    }
}

public interface IRegistersWithoutRemindable : IGrainWithStringKey
{
    Task Try();
}

public sealed class RegistersWithoutRemindable : Grain, IRegistersWithoutRemindable
{
    public Task Try() => RegisterOrUpdateReminder("r", Duration.FromMinutes(1), Duration.FromMinutes(1));
}
