using System.Data.Common;

namespace ParkGrid.Persistence.AdoNet.Sql;

/// <summary>
/// Everything that differs between the backends: the statements (the schema itself is in deploy/sql/&lt;backend&gt;),
/// how parameters are bound, and how a unique-key violation is recognised. The storage logic is written once,
/// against these statements.
/// </summary>
internal abstract class SqlDialect
{
    public abstract AdoNetBackend Backend { get; }

    /// <summary>The folder of the schema scripts: deploy/sql/&lt;ScriptFolder&gt;.</summary>
    public abstract string ScriptFolder { get; }

    // --- schema versioning -------------------------------------------------------------------------------------
    /// <summary>Starts the migration transaction and takes the lock that serialises concurrent migrators.</summary>
    public abstract string BeginMigration { get; }
    public virtual string Commit => "COMMIT";
    public virtual string Rollback => "ROLLBACK";
    public abstract string CreateSchemaVersionTable { get; }
    /// <summary>The highest applied version, 0 if none.</summary>
    public virtual SqlStatement SelectSchemaVersion { get; } = new("SELECT COALESCE(MAX(version), 0) FROM parkgrid_schema_version");
    /// <summary>(version, name).</summary>
    public abstract SqlStatement InsertSchemaVersion { get; }

    // --- grain state --------------------------------------------------------------------------------------------
    /// <summary>(type, key, name) → payload, version.</summary>
    public abstract SqlStatement ReadState { get; }
    /// <summary>(type, key, name) → version.</summary>
    public abstract SqlStatement ReadStateVersion { get; }
    /// <summary>(type, key, name, payload): inserts version 1, affects no row if one exists.</summary>
    public abstract SqlStatement InsertState { get; }
    /// <summary>(payload, type, key, name, expected): version + 1 where the version is the expected one.</summary>
    public abstract SqlStatement UpdateState { get; }
    /// <summary>(type, key, name): a version-1 tombstone, affects no row if one exists.</summary>
    public abstract SqlStatement InsertTombstone { get; }
    /// <summary>(type, key, name, expected): payload NULL, version + 1 where the version is the expected one.</summary>
    public abstract SqlStatement ClearState { get; }

    // --- reminders ----------------------------------------------------------------------------------------------
    /// <summary>→ grain_id, reminder_name, start_at, period, version, last_tick_at (every row).</summary>
    public abstract SqlStatement ReadAllReminders { get; }
    /// <summary>(grain_id) → rows of one grain.</summary>
    public abstract SqlStatement ReadGrainReminders { get; }
    /// <summary>(grain_id, reminder_name) → one row.</summary>
    public abstract SqlStatement ReadReminder { get; }
    /// <summary>→ the next reminder version (from a store-wide counter, so versions never repeat).</summary>
    public abstract SqlStatement NextReminderVersion { get; }
    /// <summary>(grain_id, reminder_name, start_at, period, version) → the stored version; clears last_tick_at.</summary>
    public abstract SqlStatement UpsertReminder { get; }
    /// <summary>(grain_id, reminder_name, version): deletes the row if it has that version.</summary>
    public abstract SqlStatement DeleteReminder { get; }
    /// <summary>(grain_id, reminder_name, last_tick_at).</summary>
    public abstract SqlStatement RecordTick { get; }

    /// <summary>A command for <paramref name="statement"/> on <paramref name="connection"/> with its parameters in place (values unset).</summary>
    public abstract DbCommand CreateCommand(DbConnection connection, SqlStatement statement);

    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Binds <paramref name="values"/> to a command made by <see cref="CreateCommand"/>, in order.</summary>
    public static void Bind(DbCommand command, SqlStatement statement, ReadOnlySpan<object?> values)
    {
        if (values.Length != statement.ParameterNames.Count)
            throw new ArgumentException($"The statement takes {statement.ParameterNames.Count} parameters, {values.Length} given: {statement.Text}");
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
