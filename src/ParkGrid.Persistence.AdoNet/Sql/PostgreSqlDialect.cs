using System.Data.Common;
using Npgsql;

namespace ParkGrid.Persistence.AdoNet.Sql;

/// <remarks>Statements use positional $n parameters: Npgsql then sends them without rewriting, and auto-prepares them.</remarks>
internal sealed class PostgreSqlDialect : SqlDialect
{
    public static PostgreSqlDialect Instance { get; } = new();

    /// <summary>The advisory lock key that serialises migrators ("PGRD" as an integer).</summary>
    public const long MigrationLockKey = 0x50475244;

    public override AdoNetBackend Backend => AdoNetBackend.PostgreSql;
    public override string ScriptFolder => "postgresql";

    public override string BeginMigration => $"BEGIN; SELECT pg_advisory_xact_lock({MigrationLockKey})";

    public override string CreateSchemaVersionTable =>
        """
        CREATE TABLE IF NOT EXISTS parkgrid_schema_version (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public override SqlStatement InsertSchemaVersion { get; } = new(
        "INSERT INTO parkgrid_schema_version (version, name) VALUES ($1, $2)", "version", "name");

    public override SqlStatement ReadState { get; } = new(
        "SELECT payload, version FROM parkgrid_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3",
        "type", "key", "name");

    public override SqlStatement ReadStateVersion { get; } = new(
        "SELECT version FROM parkgrid_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3",
        "type", "key", "name");

    public override SqlStatement InsertState { get; } = new(
        """
        INSERT INTO parkgrid_grain_state (grain_type, grain_key, state_name, payload, version)
        VALUES ($1, $2, $3, $4, 1)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """,
        "type", "key", "name", "payload");

    public override SqlStatement UpdateState { get; } = new(
        """
        UPDATE parkgrid_grain_state SET payload = $1, version = version + 1
        WHERE grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $5
        """,
        "payload", "type", "key", "name", "expected");

    public override SqlStatement InsertTombstone { get; } = new(
        """
        INSERT INTO parkgrid_grain_state (grain_type, grain_key, state_name, payload, version)
        VALUES ($1, $2, $3, NULL, 1)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """,
        "type", "key", "name");

    public override SqlStatement ClearState { get; } = new(
        """
        UPDATE parkgrid_grain_state SET payload = NULL, version = version + 1
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4
        """,
        "type", "key", "name", "expected");

    private const string ReminderColumns = "grain_id, reminder_name, start_at, period, version, last_tick_at";

    public override SqlStatement ReadAllReminders { get; } = new(
        $"SELECT {ReminderColumns} FROM parkgrid_reminders ORDER BY grain_id, reminder_name");

    public override SqlStatement ReadGrainReminders { get; } = new(
        $"SELECT {ReminderColumns} FROM parkgrid_reminders WHERE grain_id = $1 ORDER BY reminder_name", "grain");

    public override SqlStatement ReadReminder { get; } = new(
        $"SELECT {ReminderColumns} FROM parkgrid_reminders WHERE grain_id = $1 AND reminder_name = $2", "grain", "name");

    public override SqlStatement NextReminderVersion { get; } = new("SELECT nextval('parkgrid_reminder_version')");

    // GREATEST keeps a row's version increasing even if two upserts commit out of sequence order.
    public override SqlStatement UpsertReminder { get; } = new(
        """
        INSERT INTO parkgrid_reminders AS r (grain_id, reminder_name, start_at, period, version, last_tick_at)
        VALUES ($1, $2, $3, $4, $5, NULL)
        ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
            start_at = excluded.start_at,
            period = excluded.period,
            version = GREATEST(excluded.version, r.version + 1),
            last_tick_at = NULL
        RETURNING version
        """,
        "grain", "name", "start", "period", "version");

    public override SqlStatement DeleteReminder { get; } = new(
        "DELETE FROM parkgrid_reminders WHERE grain_id = $1 AND reminder_name = $2 AND version = $3", "grain", "name", "version");

    public override SqlStatement RecordTick { get; } = new(
        "UPDATE parkgrid_reminders SET last_tick_at = $3 WHERE grain_id = $1 AND reminder_name = $2 AND version = $4", "grain", "name", "tick", "version");

    public override DbCommand CreateCommand(DbConnection connection, SqlStatement statement)
    {
        var command = new NpgsqlCommand(statement.Text, (NpgsqlConnection)connection);
        for (var i = 0; i < statement.ParameterNames.Count; i++)
            command.Parameters.Add(new NpgsqlParameter());
        return command;
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// The data source the store uses: Npgsql pooling (on by default) plus automatic preparation of the few
    /// statements the store repeats, unless the connection string says otherwise.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(AdoNetStoreOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (!Has(options.ConnectionString, "Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 32;
        if (!Has(options.ConnectionString, "Auto Prepare Min Usages", "AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        if (!Has(options.ConnectionString, "No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        if (!Has(options.ConnectionString, "Application Name", "ApplicationName")) builder.ApplicationName = "ParkGrid";
        if (!Has(options.ConnectionString, "Command Timeout", "CommandTimeout"))
            builder.CommandTimeout = Math.Max(30, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        return NpgsqlDataSource.Create(builder);
    }

    private static bool Has(string connectionString, params string[] keys)
    {
        var b = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(b.ContainsKey);
    }
}
