using NodaTime;

namespace ParkGrid.Runtime.Hosting;

/// <summary>Runtime settings; defaults follow Orleans where Orleans has one.</summary>
public sealed class RuntimeOptions
{
    /// <summary>A call not answered within this fails with <see cref="GrainCallTimeoutException"/> [Orleans: 30 s].</summary>
    public Duration CallTimeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>An activation idle this long is deactivated, its state flushed first [Orleans: 15 min].</summary>
    public Duration CollectionAge { get; set; } = Duration.FromMinutes(15);

    /// <summary>Idle activations are collected in batches this far apart [Orleans: 1 min].</summary>
    public Duration CollectionQuantum { get; set; } = Duration.FromMinutes(1);

    /// <summary>Run a call on the caller's thread when the target is idle (saves a queue and a thread hop).</summary>
    public bool InlineTurns { get; set; } = true;

    /// <summary>How deep inline calls may nest on one thread before further calls are queued.</summary>
    public int MaxInlineDepth { get; set; } = 8;

    /// <summary>Seed of the random streams; the same seed gives the same streams.</summary>
    public ulong Seed { get; set; } = 1;

    /// <summary>A copy, so that a host keeps the options it was built with even if its builder is reused.</summary>
    internal RuntimeOptions Copy() => (RuntimeOptions)MemberwiseClone();

    internal void Validate()
    {
        if (CallTimeout <= Duration.Zero) throw new ArgumentOutOfRangeException(nameof(CallTimeout), "The call timeout must be positive.");
        if (CollectionAge <= Duration.Zero) throw new ArgumentOutOfRangeException(nameof(CollectionAge), "The collection age must be positive.");
        if (CollectionQuantum <= Duration.Zero) throw new ArgumentOutOfRangeException(nameof(CollectionQuantum), "The collection quantum must be positive.");
        if (MaxInlineDepth < 0) throw new ArgumentOutOfRangeException(nameof(MaxInlineDepth), "The inline depth must not be negative.");
    }
}
