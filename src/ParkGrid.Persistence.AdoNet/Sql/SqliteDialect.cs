using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ParkGrid.Persistence.AdoNet.Sql;

internal sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    private static int _initialized;

    /// <summary>Initialises SQLitePCL with the bundled e_sqlite3 library, once per process.</summary>
    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 0) SQLitePCL.Batteries_V2.Init();
    }

    public override AdoNetBackend Backend => AdoNetBackend.Sqlite;
    public override string ScriptFolder => "sqlite";

    // BEGIN IMMEDIATE takes the write lock at once, so two processes migrating the same file queue on busy_timeout.
    public override string BeginMigration => "BEGIN IMMEDIATE";

    public override string CreateSchemaVersionTable =>
        """
        CREATE TABLE IF NOT EXISTS parkgrid_schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at TEXT    NOT NULL
        )
        """;

    public override SqlStatement InsertSchemaVersion { get; } = new(
        "INSERT INTO parkgrid_schema_version (version, name, applied_at) VALUES (@version, @name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        "@version", "@name");

    public override SqlStatement ReadState { get; } = new(
        "SELECT payload, version FROM parkgrid_grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @name",
        "@type", "@key", "@name");

    public override SqlStatement ReadStateVersion { get; } = new(
        "SELECT version FROM parkgrid_grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @name",
        "@type", "@key", "@name");

    public override SqlStatement InsertState { get; } = new(
        """
        INSERT INTO parkgrid_grain_state (grain_type, grain_key, state_name, payload, version)
        VALUES (@type, @key, @name, @payload, 1)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """,
        "@type", "@key", "@name", "@payload");

    public override SqlStatement UpdateState { get; } = new(
        """
        UPDATE parkgrid_grain_state SET payload = @payload, version = version + 1
        WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND version = @expected
        """,
        "@payload", "@type", "@key", "@name", "@expected");

    public override SqlStatement InsertTombstone { get; } = new(
        """
        INSERT INTO parkgrid_grain_state (grain_type, grain_key, state_name, payload, version)
        VALUES (@type, @key, @name, NULL, 1)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """,
        "@type", "@key", "@name");

    public override SqlStatement ClearState { get; } = new(
        """
        UPDATE parkgrid_grain_state SET payload = NULL, version = version + 1
        WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND version = @expected
        """,
        "@type", "@key", "@name", "@expected");

    private const string ReminderColumns = "grain_id, reminder_name, start_at, period, version, last_tick_at";

    public override SqlStatement ReadAllReminders { get; } = new(
        $"SELECT {ReminderColumns} FROM parkgrid_reminders ORDER BY grain_id, reminder_name");

    public override SqlStatement ReadGrainReminders { get; } = new(
        $"SELECT {ReminderColumns} FROM parkgrid_reminders WHERE grain_id = @grain ORDER BY reminder_name",
        "@grain");

    public override SqlStatement ReadReminder { get; } = new(
        $"SELECT {ReminderColumns} FROM parkgrid_reminders WHERE grain_id = @grain AND reminder_name = @name",
        "@grain", "@name");

    public override SqlStatement NextReminderVersion { get; } = new(
        "UPDATE parkgrid_sequence SET value = value + 1 WHERE name = 'reminder_version' RETURNING value");

    public override SqlStatement UpsertReminder { get; } = new(
        """
        INSERT INTO parkgrid_reminders (grain_id, reminder_name, start_at, period, version, last_tick_at)
        VALUES (@grain, @name, @start, @period, @version, NULL)
        ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
            start_at = excluded.start_at,
            period = excluded.period,
            version = max(excluded.version, parkgrid_reminders.version + 1),
            last_tick_at = NULL
        RETURNING version
        """,
        "@grain", "@name", "@start", "@period", "@version");

    public override SqlStatement DeleteReminder { get; } = new(
        "DELETE FROM parkgrid_reminders WHERE grain_id = @grain AND reminder_name = @name AND version = @version",
        "@grain", "@name", "@version");

    public override SqlStatement RecordTick { get; } = new(
        "UPDATE parkgrid_reminders SET last_tick_at = @tick WHERE grain_id = @grain AND reminder_name = @name AND version = @version",
        "@grain", "@name", "@tick", "@version");

    public override DbCommand CreateCommand(DbConnection connection, SqlStatement statement)
    {
        var command = ((SqliteConnection)connection).CreateCommand();
        command.CommandText = statement.Text;
        foreach (var name in statement.ParameterNames)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }

    // SQLITE_CONSTRAINT_PRIMARYKEY (1555) and SQLITE_CONSTRAINT_UNIQUE (2067).
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 1555 or 2067 };

    /// <summary>Opens a connection with the pragmas every ParkGrid connection uses.</summary>
    public static SqliteConnection Open(AdoNetStoreOptions options, bool writer)
    {
        EnsureInitialized();
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // The store keeps its own long-lived connections; closing must really close the file.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        var directory = Path.GetDirectoryName(builder.DataSource);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            if (writer)
            {
                var mode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"));
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException(
                        $"SQLite could not switch {builder.DataSource} to WAL journaling (it reports '{mode}'); " +
                        "is the file on a network file system? Put the database on a local disk.");
            }
            // Per connection; it also governs checkpoints run by readers, so set it on all of them.
            Execute(connection, $"PRAGMA synchronous = {(options.SqliteSynchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
