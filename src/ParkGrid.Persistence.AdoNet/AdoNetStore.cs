using System.Data.Common;
using Npgsql;
using ParkGrid.Persistence.AdoNet.Execution;
using ParkGrid.Persistence.AdoNet.Sql;
using ParkGrid.Runtime;

namespace ParkGrid.Persistence.AdoNet;

/// <summary>
/// An opened ParkGrid database: grain state (<see cref="GrainStorage"/>) and durable reminders
/// (<see cref="ReminderTable"/>) on SQLite or PostgreSQL. Opening applies the schema scripts the database lacks
/// and refuses a database migrated by a newer ParkGrid (<see cref="SchemaVersionException"/>).
/// Thread-safe; open one per process and dispose it at shutdown (queued SQLite writes are committed first).
/// <code>
/// await using var store = await AdoNetStore.OpenAsync(configuration["Database"]); // "" → SQLite parkgrid.db
/// Console.WriteLine($"State and reminders: {store.Describe()}");
/// </code>
/// </summary>
public sealed class AdoNetStore : IAsyncDisposable, IDisposable
{
    private readonly DbExecutor _executor;
    private readonly SqlDialect _dialect;

    private AdoNetStore(AdoNetStoreOptions options, DbExecutor executor, SqlDialect dialect, SchemaMigrationResult migration)
    {
        Options = options;
        _executor = executor;
        _dialect = dialect;
        Migration = migration;
        GrainStorage = new AdoNetGrainStorage(executor, dialect);
        ReminderTable = new AdoNetReminderTable(executor, dialect);
    }

    public AdoNetStoreOptions Options { get; }
    public AdoNetBackend Backend => Options.Backend;
    public AdoNetGrainStorage GrainStorage { get; }
    public AdoNetReminderTable ReminderTable { get; }

    /// <summary>What the migration at open did.</summary>
    public SchemaMigrationResult Migration { get; }

    /// <summary>The schema version of the database.</summary>
    public int SchemaVersion => Migration.CurrentVersion;

    /// <summary>Opens the database a specification names (see <see cref="AdoNetStoreOptions.Parse"/>; empty → SQLite parkgrid.db).</summary>
    public static Task<AdoNetStore> OpenAsync(string? specification, CancellationToken cancellationToken = default) =>
        OpenAsync(AdoNetStoreOptions.Parse(specification), cancellationToken);

    /// <summary>Synchronous <see cref="OpenAsync(string?, CancellationToken)"/>, for a host's startup code.</summary>
    public static AdoNetStore Open(string? specification) => OpenAsync(specification).GetAwaiter().GetResult();

    /// <summary>Synchronous <see cref="OpenAsync(AdoNetStoreOptions, CancellationToken)"/>.</summary>
    public static AdoNetStore Open(AdoNetStoreOptions options) => OpenAsync(options).GetAwaiter().GetResult();

    public static async Task<AdoNetStore> OpenAsync(AdoNetStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dialect = SchemaMigrator.DialectOf(options.Backend);
        switch (options.Backend)
        {
            case AdoNetBackend.Sqlite:
            {
                SchemaMigrationResult migration;
                await using (var connection = SqliteDialect.Open(options, writer: true))
                    migration = await SchemaMigrator.MigrateAsync(connection, dialect, options.Describe(), cancellationToken).ConfigureAwait(false);
                return new AdoNetStore(options, new SqliteExecutor(options), dialect, migration);
            }
            case AdoNetBackend.PostgreSql:
            {
                var dataSource = PostgreSqlDialect.CreateDataSource(options);
                try
                {
                    SchemaMigrationResult migration;
                    await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                        migration = await SchemaMigrator.MigrateAsync(connection, dialect, options.Describe(), cancellationToken).ConfigureAwait(false);
                    return new AdoNetStore(options, new PostgreSqlExecutor(dataSource), dialect, migration);
                }
                catch (NpgsqlException e) when (e is not PostgresException)
                {
                    await dataSource.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidOperationException($"Cannot reach {options.Describe()}: {e.Message}", e);
                }
                catch
                {
                    await dataSource.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Backend, "Unknown backend.");
        }
    }

    /// <summary>Applies schema scripts the database lacks (opening already did; a second run applies nothing).</summary>
    public async Task<SchemaMigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenMaintenanceConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await SchemaMigrator.MigrateAsync(connection, _dialect, Options.Describe(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Backend, location (never a password) and schema version, for the host to print at start.</summary>
    public string Describe() => $"{Options.Describe()}, schema version {SchemaVersion}";

    public override string ToString() => Describe();

    private async Task<DbConnection> OpenMaintenanceConnectionAsync(CancellationToken cancellationToken) => _executor switch
    {
        PostgreSqlExecutor pg => await pg.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false),
        _ => SqliteDialect.Open(Options, writer: true),
    };

    public ValueTask DisposeAsync() => _executor.DisposeAsync();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
