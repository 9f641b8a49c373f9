using ParkGrid.Runtime;

namespace ParkGrid.Grains.Internal;

/// <summary>
/// A grain proxy kept for the key it was made for. Grains call the same district or park over and over; a fresh proxy
/// per call costs an allocation and an activation lookup, while a kept one remembers its activation. A mutable struct:
/// keep it in a field and call it there, never through a copy.
/// </summary>
internal struct KeptGrain<TGrain> where TGrain : class, IGrainWithStringKey
{
    private string? _key;
    private TGrain? _grain;

    public TGrain For(IGrainFactory factory, string key)
    {
        if (_grain is null || !string.Equals(_key, key, StringComparison.Ordinal))
        {
            _grain = factory.GetGrain<TGrain>(key);
            _key = key;
        }
        return _grain;
    }
}
