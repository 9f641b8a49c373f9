using NodaTime;
using ParkGrid.Runtime;

namespace ParkGrid.CrashHost;

/// <summary>A grain whose every change appends to a history, like a case's audit trail.</summary>
public interface ILedgerGrain : IGrainWithStringKey, IRemindable
{
    Task Append(int sequence);
    Task Remind(Duration period);
    [ReadOnly] Task<LedgerState> Read();
}

public sealed class LedgerEntry
{
    public int Sequence { get; set; }
    public Instant At { get; set; }
    public string What { get; set; } = "";
}

public sealed class LedgerState
{
    public List<LedgerEntry> History { get; set; } = [];
    public List<TickStatus> Ticks { get; set; } = [];
}

public sealed class LedgerGrain([PersistentState("ledger")] IPersistentState<LedgerState> state) : Grain, ILedgerGrain
{
    public async Task Append(int sequence)
    {
        state.State.History.Add(new LedgerEntry { Sequence = sequence, At = Clock.GetCurrentInstant(), What = $"append {sequence}" });
        await state.WriteStateAsync(); // acknowledged only once durable
    }

    public async Task Remind(Duration period) => await RegisterOrUpdateReminder("tick", period, period);

    public Task<LedgerState> Read() => Task.FromResult(state.State);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks.Add(status);
        await state.WriteStateAsync();
    }
}
