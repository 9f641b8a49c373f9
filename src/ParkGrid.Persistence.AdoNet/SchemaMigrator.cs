using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using ParkGrid.Persistence.AdoNet.Sql;

namespace ParkGrid.Persistence.AdoNet;

/// <summary>One versioned schema script, deploy/sql/&lt;backend&gt;/NNNN_name.sql.</summary>
public sealed record SchemaScript(int Version, string Name, string Sql);

/// <summary>What a migration did: the schema version before and after, and the scripts it applied.</summary>
public sealed record SchemaMigrationResult(int PreviousVersion, int CurrentVersion, IReadOnlyList<string> Applied);

/// <summary>
/// Brings a database to the newest schema this build knows. The scripts are deploy/sql/&lt;backend&gt;/NNNN_*.sql,
/// embedded in this assembly. Applied versions are recorded in parkgrid_schema_version; each run applies, in one
/// transaction, only the scripts above the recorded version (so running it again is a no-op), under a lock that
/// serialises concurrent migrators (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE). A database whose
/// recorded version is above the newest known one is refused with <see cref="SchemaVersionException"/>.
/// </summary>
public static partial class SchemaMigrator
{
    private static readonly ConcurrentDictionary<AdoNetBackend, IReadOnlyList<SchemaScript>> Cache = new();

    /// <summary>The scripts for <paramref name="backend"/>, in version order.</summary>
    public static IReadOnlyList<SchemaScript> Scripts(AdoNetBackend backend) => Cache.GetOrAdd(backend, LoadScripts);

    /// <summary>The newest schema version this build knows for <paramref name="backend"/>.</summary>
    public static int KnownVersion(AdoNetBackend backend) => Scripts(backend)[^1].Version;

    internal static SqlDialect DialectOf(AdoNetBackend backend) => backend switch
    {
        AdoNetBackend.Sqlite => SqliteDialect.Instance,
        AdoNetBackend.PostgreSql => PostgreSqlDialect.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    internal static async Task<SchemaMigrationResult> MigrateAsync(DbConnection connection, SqlDialect dialect, string location, CancellationToken cancellationToken)
    {
        var scripts = Scripts(dialect.Backend);
        var known = scripts[^1].Version;
        await ExecuteAsync(connection, dialect.BeginMigration, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, dialect.CreateSchemaVersionTable, cancellationToken).ConfigureAwait(false);
            var current = await ReadVersionAsync(connection, dialect, cancellationToken).ConfigureAwait(false);
            if (current > known) throw new SchemaVersionException(location, current, known);

            var applied = new List<string>();
            foreach (var script in scripts.Where(s => s.Version > current))
            {
                try
                {
                    await ExecuteAsync(connection, script.Sql, cancellationToken).ConfigureAwait(false);
                }
                catch (DbException e)
                {
                    throw new InvalidOperationException($"Schema script {dialect.ScriptFolder}/{script.Name} failed on {location}: {e.Message}", e);
                }
                await using var record = dialect.CreateCommand(connection, dialect.InsertSchemaVersion);
                SqlDialect.Bind(record, dialect.InsertSchemaVersion, [script.Version, script.Name]);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                applied.Add(script.Name);
            }

            await ExecuteAsync(connection, dialect.Commit, cancellationToken).ConfigureAwait(false);
            return new SchemaMigrationResult(current, Math.Max(current, known), applied);
        }
        catch
        {
            try { await ExecuteAsync(connection, dialect.Rollback, CancellationToken.None).ConfigureAwait(false); }
            catch (DbException) { /* the transaction is already gone */ }
            throw;
        }
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, SqlDialect dialect, CancellationToken cancellationToken)
    {
        await using var command = dialect.CreateCommand(connection, dialect.SelectSchemaVersion);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^(\d{4})_[A-Za-z0-9_\-]+\.sql$")]
    private static partial Regex ScriptName();

    private static IReadOnlyList<SchemaScript> LoadScripts(AdoNetBackend backend)
    {
        var folder = DialectOf(backend).ScriptFolder;
        var prefix = $"ParkGridSql/{folder}/";
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..];
            var match = ScriptName().Match(name);
            if (!match.Success)
                throw new InvalidOperationException($"Schema script deploy/sql/{folder}/{name} is not named NNNN_description.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new SchemaScript(int.Parse(match.Groups[1].Value), name, reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (scripts.Count == 0)
            throw new InvalidOperationException($"No schema scripts for {backend} are embedded in {assembly.GetName().Name}.");
        for (var i = 0; i < scripts.Count; i++)
            if (scripts[i].Version != i + 1)
                throw new InvalidOperationException(
                    $"Schema scripts for {backend} must be numbered 0001, 0002 … without gaps or duplicates; found {scripts[i].Name} at position {i + 1}.");
        return scripts;
    }
}
