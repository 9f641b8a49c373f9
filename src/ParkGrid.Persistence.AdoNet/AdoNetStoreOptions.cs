using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ParkGrid.Persistence.AdoNet;

/// <summary>The database behind an <see cref="AdoNetStore"/>.</summary>
public enum AdoNetBackend
{
    /// <summary>An embedded SQLite file (the default): one process, no server to run.</summary>
    Sqlite,
    /// <summary>A PostgreSQL server (production, several silos).</summary>
    PostgreSql,
}

/// <summary>How SQLite makes a commit durable (PRAGMA synchronous, under WAL journaling).</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit fsyncs the write-ahead log: survives process kill and power loss. The default.</summary>
    Full,
    /// <summary>
    /// Commits are written to the write-ahead log (the OS page cache) but fsynced only at checkpoints:
    /// still durable across a kill of the process (the OS keeps the written pages), not across power loss
    /// or an OS crash, where the last transactions may be rolled back (never corrupted).
    /// </summary>
    Normal,
}

/// <summary>
/// Which database an <see cref="AdoNetStore"/> opens. Build one with <see cref="Sqlite"/>, <see cref="PostgreSql"/>
/// or <see cref="Parse"/>, which accepts what a user types on a command line or in configuration.
/// </summary>
public sealed record AdoNetStoreOptions
{
    /// <summary>The SQLite file used when no database is configured.</summary>
    public const string DefaultSqliteFile = "parkgrid.db";

    public required AdoNetBackend Backend { get; init; }

    /// <summary>An ADO.NET connection string for <see cref="Backend"/> (Microsoft.Data.Sqlite or Npgsql syntax).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>SQLite only: commit durability. <see cref="SqliteSynchronous.Full"/> unless chosen otherwise.</summary>
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>How long a statement waits for a lock held by another connection or process before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An embedded SQLite database: a file path (created if missing) or a Microsoft.Data.Sqlite connection string.</summary>
    public static AdoNetStoreOptions Sqlite(string pathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var text = pathOrConnectionString.Trim();
        SqliteConnectionStringBuilder builder;
        if (text.Contains('='))
        {
            try { builder = new SqliteConnectionStringBuilder(text); }
            catch (ArgumentException e) { throw new FormatException($"'{text}' is not a valid SQLite connection string: {e.Message}", e); }
        }
        else
        {
            builder = new SqliteConnectionStringBuilder { DataSource = text };
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
            throw new FormatException($"The SQLite connection string '{text}' names no file; expected e.g. 'Data Source=parkgrid.db'.");
        if (builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
            throw new FormatException("An in-memory SQLite database is not supported by the ADO.NET store (it uses several connections); " +
                                      "use a file, or the runtime's in-memory storage.");
        builder.DataSource = Path.GetFullPath(builder.DataSource);
        return new AdoNetStoreOptions { Backend = AdoNetBackend.Sqlite, ConnectionString = builder.ConnectionString };
    }

    /// <summary>A PostgreSQL database: an Npgsql connection string ("Host=…;Database=…;Username=…;Password=…") or a postgres:// URI.</summary>
    public static AdoNetStoreOptions PostgreSql(string connectionStringOrUri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrUri);
        var text = connectionStringOrUri.Trim();
        NpgsqlConnectionStringBuilder builder;
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            builder = FromUri(text);
        }
        else
        {
            try { builder = new NpgsqlConnectionStringBuilder(text); }
            catch (ArgumentException e) { throw new FormatException($"Not a valid PostgreSQL connection string: {e.Message}", e); }
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new FormatException("The PostgreSQL connection string names no host; expected e.g. 'Host=localhost;Database=parkgrid;Username=parkgrid;Password=…'.");
        return new AdoNetStoreOptions { Backend = AdoNetBackend.PostgreSql, ConnectionString = builder.ConnectionString };
    }

    /// <summary>
    /// Reads a database specification:
    /// empty → the SQLite file <see cref="DefaultSqliteFile"/>;
    /// "sqlite:&lt;path or connection string&gt;" → SQLite;
    /// "postgres:&lt;connection string&gt;", "postgresql:…", "pg:…" or a postgres:// URI → PostgreSQL;
    /// a connection string with Host= or Server= → PostgreSQL; with Data Source= or Filename= → SQLite;
    /// anything else without '=' → a SQLite file path.
    /// </summary>
    public static AdoNetStoreOptions Parse(string? specification)
    {
        var text = specification?.Trim() ?? "";
        if (text.Length == 0) return Sqlite(DefaultSqliteFile);

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return PostgreSql(text);
        foreach (var prefix in new[] { "postgresql:", "postgres:", "pg:" })
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return PostgreSql(text[prefix.Length..]);
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return Sqlite(text["sqlite:".Length..]);

        if (!text.Contains('=')) return Sqlite(text);

        var keys = new DbConnectionStringBuilder();
        try { keys.ConnectionString = text; }
        catch (ArgumentException e) { throw new FormatException($"'{Redact(text)}' is not a connection string: {e.Message}", e); }
        bool Has(params string[] names) => names.Any(keys.ContainsKey);
        if (Has("host", "server", "port", "username", "user id", "userid", "database")) return PostgreSql(text);
        if (Has("data source", "datasource", "filename")) return Sqlite(text);
        throw new FormatException(
            $"Cannot tell which database '{Redact(text)}' names. Use 'sqlite:<file>' (e.g. sqlite:Data Source=parkgrid.db) " +
            "or a PostgreSQL connection string with Host= (e.g. Host=localhost;Database=parkgrid;Username=parkgrid;Password=…).");
    }

    /// <summary>Backend and location, for the host to print at start. Never contains a password.</summary>
    public string Describe()
    {
        switch (Backend)
        {
            case AdoNetBackend.Sqlite:
            {
                var b = new SqliteConnectionStringBuilder(ConnectionString);
                return $"SQLite file {b.DataSource} (WAL journal, synchronous={SqliteSynchronous.ToString().ToUpperInvariant()})";
            }
            case AdoNetBackend.PostgreSql:
            {
                var b = new NpgsqlConnectionStringBuilder(ConnectionString);
                var port = b.Host is { } h && h.Contains(',') ? "" : $":{b.Port}";
                var user = string.IsNullOrEmpty(b.Username) ? "" : $", user {b.Username}";
                return $"PostgreSQL {b.Host}{port}, database {b.Database ?? "(user's default)"}{user}";
            }
            default:
                throw new InvalidOperationException($"Unknown backend {Backend}.");
        }
    }

    /// <summary>The options as text without a password (records print all members otherwise).</summary>
    public override string ToString() => Describe();

    private static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw new FormatException("Not a valid postgres:// URI; expected postgres://user:password@host:5432/database.");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]).ToLowerInvariant();
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            var keyword = key switch
            {
                "sslmode" => "SSL Mode",
                "application_name" => "Application Name",
                "connect_timeout" => "Timeout",
                _ => throw new FormatException($"Unsupported parameter '{key}' in the postgres:// URI; use a keyword connection string instead."),
            };
            builder[keyword] = key == "sslmode" ? SslModeFromLibpq(value) : value;
        }
        return builder;
    }

    private static string SslModeFromLibpq(string value) => value.ToLowerInvariant() switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => value,
    };

    /// <summary>Hides a password in a connection string that is shown in an error message.</summary>
    internal static string Redact(string connectionString)
    {
        try
        {
            var b = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "password", "pwd" })
                if (b.ContainsKey(key)) b[key] = "***";
            return b.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }
}
