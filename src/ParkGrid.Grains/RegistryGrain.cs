using ParkGrid.Runtime;

namespace ParkGrid.Grains;

public sealed class RegistryState
{
    public SortedSet<string> Districts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The list of districts (key <see cref="Root"/>); districts add themselves when configured.</summary>
public sealed class RegistryGrain([PersistentState("registry")] IPersistentState<RegistryState> state) : Grain, IRegistryGrain
{
    public const string Root = "root";

    public async Task AddDistrict(string districtId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(districtId);
        if (state.State.Districts.Add(districtId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListDistricts() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Districts]);
}
