namespace ParkGrid.Persistence.AdoNet.Tests.Infrastructure;

/// <summary>A temp directory for one test class's SQLite files, deleted at the end.</summary>
public sealed class SqliteDirectoryFixture : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("parkgrid-sqlite-").FullName;

    /// <summary>The database of the test class.</summary>
    public string ClassDatabase => Path.Combine(Directory, "class.db");

    /// <summary>A path for a new, empty database.</summary>
    public string NewDatabase() => Path.Combine(Directory, $"{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
