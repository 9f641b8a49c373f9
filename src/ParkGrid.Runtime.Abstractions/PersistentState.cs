namespace ParkGrid.Runtime;

/// <summary>
/// A grain's persistent state. <see cref="Version"/> is the ETag: a write succeeds only if storage still
/// holds this version, otherwise it throws <see cref="InconsistentStateException"/>.
/// </summary>
public interface IPersistentState<TState>
{
    TState State { get; set; }
    /// <summary>The stored version this activation last read or wrote; 0 when nothing was ever stored.</summary>
    long Version { get; }
    bool RecordExists { get; }
    Task ReadStateAsync();
    Task WriteStateAsync();
    Task ClearStateAsync();
}

/// <summary>Injects a persistent state into a grain constructor parameter of type IPersistentState&lt;T&gt;.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;
    /// <summary>The named storage provider; null for the default one.</summary>
    public string? StorageName { get; } = storageName;
}

/// <summary>What storage holds for one state: null state and version 0 when nothing was stored;
/// null state and a positive version after a clear (a tombstone keeps versions increasing).</summary>
public readonly record struct StoredState<TState>(TState? State, long Version)
{
    public bool RecordExists => State is not null;
}

/// <summary>
/// Where grain state lives. Implementations: in memory (tests, simulations) and ADO.NET (SQLite, PostgreSQL).
/// Every write and clear names the version it expects; a mismatch throws <see cref="InconsistentStateException"/>.
/// </summary>
public interface IGrainStorage
{
    Task<StoredState<TState>> ReadAsync<TState>(string stateName, GrainId grainId);

    /// <summary>Stores the state if storage holds <paramref name="expectedVersion"/>; returns the new version.</summary>
    Task<long> WriteAsync<TState>(string stateName, GrainId grainId, TState state, long expectedVersion);

    /// <summary>Clears the state if storage holds <paramref name="expectedVersion"/>; returns the new version.</summary>
    Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion);
}

/// <summary>Storage holds another version than the activation expected: someone else wrote meanwhile.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message, long storedVersion, long expectedVersion) : base(message)
    {
        StoredVersion = storedVersion;
        ExpectedVersion = expectedVersion;
    }

    public long StoredVersion { get; }
    public long ExpectedVersion { get; }

    public static InconsistentStateException VersionMismatch(string stateName, GrainId grainId, long stored, long expected) =>
        new($"Version conflict on state '{stateName}' of {grainId}: storage holds version {stored}, the activation expected {expected}. " +
            "Another activation or writer changed it; this activation will be deactivated and re-read on the next call.", stored, expected);
}
