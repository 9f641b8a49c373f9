namespace ParkGrid.Persistence.AdoNet;

/// <summary>
/// The database's schema is newer than this build of ParkGrid knows: a newer ParkGrid has migrated it. Starting
/// would risk writing rows the newer schema does not expect, so the store refuses to open.
/// </summary>
public sealed class SchemaVersionException(string location, int databaseVersion, int codeVersion) : Exception(
    $"The database {location} has schema version {databaseVersion}, but this build of ParkGrid knows schema versions up to {codeVersion}. " +
    $"It was migrated by a newer ParkGrid; refusing to start. Run a ParkGrid build that knows schema version {databaseVersion} " +
    "(or newer), or point this one at another database.")
{
    /// <summary>The schema version recorded in the database.</summary>
    public int DatabaseVersion { get; } = databaseVersion;

    /// <summary>The newest schema version this build knows.</summary>
    public int CodeVersion { get; } = codeVersion;
}
