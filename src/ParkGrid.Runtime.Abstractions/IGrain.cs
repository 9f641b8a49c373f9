namespace ParkGrid.Runtime;

/// <summary>Marker for grain interfaces.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key, as every ParkGrid grain is.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Creates typed references to grains; the grain is activated on first call, not here.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}

/// <summary>Names the grain type of an interface (the first part of its <see cref="GrainId"/>).
/// Without it the name comes from the interface: IParkGrain → "park", IContactPointGrain → "contact-point".</summary>
[AttributeUsage(AttributeTargets.Interface)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The method does not change state: it may interleave with other read-only calls.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>The method may interleave with any other call (use for calls that must pass through a cycle).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>Every call to the grain class may interleave at await points (still one thread at a time).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReentrantAttribute : Attribute;
