using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;
using ParkGrid.Persistence.AdoNet;
using ParkGrid.Persistence.AdoNet.Sql;
using ParkGrid.Persistence.Testing;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

// ParkGrid persistence benchmark: the ADO.NET store against raw ADO.NET running the same statements.
//
//   dotnet run -c Release --project tests/ParkGrid.Persistence.Benchmarks -- [options]
//     --postgres "<connection string>"   use this server (the user must be allowed to CREATE DATABASE);
//                                        otherwise a private PostgreSQL 15 is started and removed afterwards
//     --seconds <n>                      measuring time per workload and side (default 5), cut into
//     --slices <n>                       alternating provider/raw slices (default 5); medians are reported
//     --sqlite-only | --postgres-only
//     --sqlite-synchronous full|normal   SQLite commit durability (default full)
//
// "raw" is the database alone: the provider's own SQL statements, prepared once on dedicated connections and
// executed in a plain loop in autocommit mode (one durable commit per statement), with the JSON payload
// serialised in advance. "provider" is AdoNetGrainStorage / AdoNetReminderTable, including JSON serialisation.

var settings = Settings.Parse(args);
Console.WriteLine($"ParkGrid persistence benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {settings.Seconds} s per workload and side in {settings.Slices} alternating slices");
var results = new List<Result>();

if (!settings.PostgresOnly)
{
    var directory = Directory.CreateTempSubdirectory("parkgrid-bench-");
    try
    {
        var options = AdoNetStoreOptions.Sqlite(Path.Combine(directory.FullName, "bench.db")) with { SqliteSynchronous = settings.SqliteSynchronous };
        results.AddRange(await Bench.RunAsync("SQLite", options, settings));
    }
    finally
    {
        directory.Delete(recursive: true);
    }
}

if (!settings.SqliteOnly)
{
    PrivatePostgresServer? server = null;
    try
    {
        var admin = settings.Postgres;
        if (admin is null)
        {
            server = PrivatePostgresServer.Start(Console.Out);
            admin = server.ConnectionString;
        }
        var database = "parkgrid_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
            await using var show = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')", connection);
            Console.WriteLine($"PostgreSQL {await show.ExecuteScalarAsync()}");
        }
        var options = AdoNetStoreOptions.PostgreSql(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString);
        try
        {
            results.AddRange(await Bench.RunAsync("PostgreSQL", options, settings));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
    finally
    {
        server?.Dispose();
    }
}

Console.WriteLine();
Console.WriteLine("| backend | workload | provider ops/s | raw ops/s | provider / raw |");
Console.WriteLine("|---|---|---:|---:|---:|");
foreach (var r in results)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Backend} | {r.Workload} | {r.Provider:N0} | {r.Raw:N0} | {r.Provider / r.Raw:0.00} |"));
return 0;

internal sealed record Settings(string? Postgres, double Seconds, int Slices, bool SqliteOnly, bool PostgresOnly, SqliteSynchronous SqliteSynchronous)
{
    public static Settings Parse(string[] args)
    {
        var s = new Settings(null, 5, 5, false, false, SqliteSynchronous.Full);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            s = args[i] switch
            {
                "--postgres" => s with { Postgres = Next() },
                "--seconds" => s with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--slices" => s with { Slices = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--sqlite-only" => s with { SqliteOnly = true },
                "--postgres-only" => s with { PostgresOnly = true },
                "--sqlite-synchronous" => s with { SqliteSynchronous = Enum.Parse<SqliteSynchronous>(Next(), ignoreCase: true) },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --postgres <connstr>, --seconds <n>, --slices <n>, --sqlite-only, --postgres-only, --sqlite-synchronous full|normal."),
            };
        }
        return s;
    }
}

internal sealed record Result(string Backend, string Workload, double Provider, double Raw);

/// <summary>A small grain state, about 300 bytes of JSON.</summary>
internal sealed record BenchState(int Counter, string Park, Instant UpdatedAt, LocalDate Due, List<string> Categories, Dictionary<string, int> Open);

internal static class Bench
{
    private const int GrainsPerWriter = 64;
    private const int Concurrency = 8;
    private static readonly Instant Start = Instant.FromUtc(2025, 1, 1, 0, 0);

    private static BenchState State(int i) => new(i, "xiangan-digital", Start + Duration.FromSeconds(i), new LocalDate(2025, 6, 30),
        ["subsidy-delay", "too-many-inspections", "slow-approval"], new() { ["12345"] = i % 17, ["12388"] = i % 5, ["visit"] = 3 });

    public static async Task<List<Result>> RunAsync(string backend, AdoNetStoreOptions options, Settings settings)
    {
        Console.WriteLine($"\n== {backend}: {options.Describe()}");
        var sliceLength = TimeSpan.FromSeconds(settings.Seconds / settings.Slices);
        var results = new List<Result>();
        await using var store = await AdoNetStore.OpenAsync(options);
        var dialect = SchemaMigrator.DialectOf(options.Backend);

        // Provider and raw run alternately in short slices, and the medians are reported: the machine's load
        // (shared cores, other processes' fsyncs) drifts, and alternating exposes both sides to the same drift.
        async Task Compare(string workload, Func<int, Func<long, Task>> provider, Func<int, Func<long, Task>> raw, int writers)
        {
            var providerOps = Enumerable.Range(0, writers).Select(provider).ToArray();
            var rawOps = Enumerable.Range(0, writers).Select(raw).ToArray();
            var p = new List<double>();
            var r = new List<double>();
            var counters = new long[2];
            await MeasureAsync(providerOps, TimeSpan.FromMilliseconds(300), counters, 0); // warm-up
            await MeasureAsync(rawOps, TimeSpan.FromMilliseconds(300), counters, 0);
            for (var slice = 0; slice < settings.Slices; slice++)
            {
                p.Add(await MeasureAsync(providerOps, sliceLength, counters, 0));
                r.Add(await MeasureAsync(rawOps, sliceLength, counters, 1));
            }
            var pm = Median(p);
            var rm = Median(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {workload,-34} provider {pm,10:N0}/s   raw {rm,10:N0}/s   ratio {pm / rm:0.00}   (slices: provider {string.Join(' ', p.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}; raw {string.Join(' ', r.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))})"));
            results.Add(new Result(backend, workload, pm, rm));
        }

        // --- state writes: each writer owns GrainsPerWriter grains and writes them round-robin with the right version.
        var round = 0;
        Func<int, Func<long, Task>> ProviderWrites(string prefix) => writer =>
        {
            var grains = Enumerable.Range(0, GrainsPerWriter).Select(g => new GrainId("park", $"{prefix}-{round}-{writer}-{g}")).ToArray();
            var versions = new long[GrainsPerWriter];
            return async i =>
            {
                var g = (int)(i % GrainsPerWriter);
                versions[g] = await store.GrainStorage.WriteAsync("state", grains[g], State((int)i), versions[g]);
            };
        };
        Func<int, Func<long, Task>> RawWrites(string prefix) => writer =>
        {
            // Rows exist beforehand (the provider's first writes were inserts; the raw loop only updates).
            var keys = Enumerable.Range(0, GrainsPerWriter).Select(g => $"{prefix}-{round}-{writer}-{g}").ToArray();
            var payload = JsonSerializer.Serialize(State(writer), ParkGridJson.Options);
            var versions = new long[GrainsPerWriter];
            var connection = RawConnection(options);
            foreach (var key in keys)
                Exec(dialect, connection, dialect.InsertState, "park", key, "state", payload);
            Array.Fill(versions, 1);
            var update = Prepared(dialect, connection, dialect.UpdateState, payload, "park", keys[0], "state", 1L);
            return i =>
            {
                var g = (int)(i % GrainsPerWriter);
                SqlDialect.Bind(update, dialect.UpdateState, [payload, "park", keys[g], "state", versions[g]]);
                if (update.ExecuteNonQuery() != 1) throw new InvalidOperationException("raw update lost its row");
                versions[g]++;
                return Task.CompletedTask;
            };
        };

        round++;
        await Compare("state write, sequential", ProviderWrites("p"), RawWrites("r"), 1);
        round++;
        await Compare($"state write, {Concurrency} concurrent writers", ProviderWrites("p"), RawWrites("r"), Concurrency);

        // --- reminders
        var reminderGrains = Enumerable.Range(0, GrainsPerWriter * Concurrency).Select(g => new GrainId("contactpoint", $"cp-{g}")).ToArray();
        var reminderVersions = new long[reminderGrains.Length];
        for (var g = 0; g < reminderGrains.Length; g++) reminderVersions[g] = await store.ReminderTable.UpsertRowAsync(reminderGrains[g], "visit", Start, Duration.FromDays(14));

        Func<int, Func<long, Task>> ProviderTicks = writer => i =>
        {
            var g = writer * GrainsPerWriter + (int)(i % GrainsPerWriter);
            return store.ReminderTable.RecordTickAsync(reminderGrains[g], "visit", reminderVersions[g], Start + Duration.FromMinutes(i));
        };
        Func<int, Func<long, Task>> RawTicks = writer =>
        {
            var connection = RawConnection(options);
            var tick = Prepared(dialect, connection, dialect.RecordTick, "contactpoint/none", "visit", 0L, 0L);
            return i =>
            {
                var g = writer * GrainsPerWriter + (int)(i % GrainsPerWriter);
                SqlDialect.Bind(tick, dialect.RecordTick, [reminderGrains[g].ToString(), "visit", TimeEncoding.ToNanoseconds(Start + Duration.FromMinutes(i)), reminderVersions[g]]);
                tick.ExecuteNonQuery();
                return Task.CompletedTask;
            };
        };
        await Compare("reminder RecordTick, sequential", ProviderTicks, RawTicks, 1);
        await Compare($"reminder RecordTick, {Concurrency} concurrent", ProviderTicks, RawTicks, Concurrency);

        Func<int, Func<long, Task>> ProviderUpserts = writer => i =>
            store.ReminderTable.UpsertRowAsync(reminderGrains[writer * GrainsPerWriter + (int)(i % GrainsPerWriter)], "visit", Start + Duration.FromMinutes(i), Duration.FromDays(14));
        Func<int, Func<long, Task>> RawUpserts = writer =>
        {
            var connection = RawConnection(options);
            var next = Prepared(dialect, connection, dialect.NextReminderVersion);
            var upsert = Prepared(dialect, connection, dialect.UpsertReminder, "contactpoint/none", "visit", 0L, 0L, 1L);
            var period = TimeEncoding.ToNanoseconds(Duration.FromDays(14));
            return i =>
            {
                var grain = reminderGrains[writer * GrainsPerWriter + (int)(i % GrainsPerWriter)];
                var version = Convert.ToInt64(next.ExecuteScalar());
                SqlDialect.Bind(upsert, dialect.UpsertReminder, [grain.ToString(), "visit", TimeEncoding.ToNanoseconds(Start + Duration.FromMinutes(i)), period, version]);
                upsert.ExecuteScalar();
                return Task.CompletedTask;
            };
        };
        await Compare("reminder upsert, sequential", ProviderUpserts, RawUpserts, 1);
        await Compare($"reminder upsert, {Concurrency} concurrent", ProviderUpserts, RawUpserts, Concurrency);

        foreach (var c in RawConnections) c.Dispose();
        RawConnections.Clear();
        return results;
    }

    private static readonly List<DbConnection> RawConnections = [];

    /// <summary>A dedicated connection with the settings the provider uses (SQLite: WAL, same synchronous, busy timeout).</summary>
    private static DbConnection RawConnection(AdoNetStoreOptions options)
    {
        DbConnection connection;
        if (options.Backend == AdoNetBackend.Sqlite)
        {
            connection = SqliteDialect.Open(options, writer: true);
        }
        else
        {
            connection = new NpgsqlConnection(options.ConnectionString);
            connection.Open();
        }
        lock (RawConnections) RawConnections.Add(connection);
        return connection;
    }

    /// <summary>A command prepared once (Npgsql needs sample values to know the parameter types).</summary>
    private static DbCommand Prepared(SqlDialect dialect, DbConnection connection, SqlStatement statement, params object?[] sample)
    {
        var command = dialect.CreateCommand(connection, statement);
        SqlDialect.Bind(command, statement, sample);
        command.Prepare();
        return command;
    }

    private static void Exec(SqlDialect dialect, DbConnection connection, SqlStatement statement, params object?[] values)
    {
        using var command = dialect.CreateCommand(connection, statement);
        SqlDialect.Bind(command, statement, values);
        command.ExecuteNonQuery();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Runs every loop of <paramref name="operations"/> concurrently for <paramref name="duration"/>; returns operations per second.</summary>
    /// <param name="counters">Per side, the next operation index, so successive slices continue where the last stopped.</param>
    private static async Task<double> MeasureAsync(Func<long, Task>[] operations, TimeSpan duration, long[] counters, int side)
    {
        long counted = 0;
        var first = counters[side];
        var clock = Stopwatch.StartNew();
        var loops = operations.Select(operation => Task.Run(async () =>
        {
            long mine = 0;
            for (var i = first; clock.Elapsed < duration; i++)
            {
                await operation(i);
                mine++;
            }
            Interlocked.Add(ref counted, mine);
        })).ToArray();
        await Task.WhenAll(loops);
        var elapsed = clock.Elapsed;
        counters[side] = first + counted;
        return counted / elapsed.TotalSeconds;
    }
}
