using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Runtime;

namespace ParkGrid.Silo.Tests;

/// <summary>A grain for gateway tests: typed arguments of several kinds, state, and each kind of error.</summary>
public interface IGatewayProbeGrain : IGrainWithStringKey
{
    Task<int> Add(int amount, string note, LocalDate day);
    [ReadOnly] Task<ProbeState> Read();
    Task Reset();
    Task Refuse(string reason);
    Task BreakRule(string reason);
}

public sealed class ProbeState
{
    public int Total { get; set; }
    public List<string> Notes { get; set; } = [];
    public LocalDate? LastDay { get; set; }
}

public sealed class GatewayProbeGrain([PersistentState("probe")] IPersistentState<ProbeState> state) : Grain, IGatewayProbeGrain
{
    public async Task<int> Add(int amount, string note, LocalDate day)
    {
        if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), $"amount must be positive, got {amount}");
        state.State.Total += amount;
        state.State.Notes.Add(note);
        state.State.LastDay = day;
        await state.WriteStateAsync();
        return state.State.Total;
    }

    public Task<ProbeState> Read() => Task.FromResult(state.State);

    public async Task Reset()
    {
        state.State = new ProbeState();
        await state.WriteStateAsync();
    }

    public Task Refuse(string reason) => throw new InvalidOperationException(reason);
    public Task BreakRule(string reason) => throw new DomainRuleException(reason);
}
