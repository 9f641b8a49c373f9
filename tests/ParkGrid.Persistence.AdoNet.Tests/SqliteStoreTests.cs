using Microsoft.Data.Sqlite;
using ParkGrid.Persistence.AdoNet.Execution;
using ParkGrid.Runtime;
using ParkGrid.Persistence.AdoNet.Sql;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;

namespace ParkGrid.Persistence.AdoNet.Tests;

/// <summary>The provider suite on an embedded SQLite file.</summary>
public sealed class SqliteStoreTests(SqliteDirectoryFixture files) : StoreProviderTests, IClassFixture<SqliteDirectoryFixture>
{
    protected override AdoNetBackend Backend => AdoNetBackend.Sqlite;

    protected override Task<AdoNetStoreOptions> ClassDatabaseAsync() => Task.FromResult(AdoNetStoreOptions.Sqlite(files.ClassDatabase));

    protected override Task<AdoNetStoreOptions> FreshDatabaseAsync() => Task.FromResult(AdoNetStoreOptions.Sqlite(files.NewDatabase()));

    protected override async Task<long> RawScalarAsync(AdoNetStoreOptions database, string sql)
    {
        SqliteDialect.EnsureInitialized();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    [Fact]
    public async Task Database_is_in_WAL_mode_with_full_synchronous_commits()
    {
        Assert.Equal(1, await RawScalarAsync(ClassOptions, "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"));
        Assert.Contains("synchronous=FULL", Store.Describe());
    }

    [Fact]
    public async Task A_missing_directory_is_created()
    {
        var path = Path.Combine(files.Directory, "nested", "deeper", "parkgrid.db");
        await using var store = await AdoNetStore.OpenAsync($"sqlite:{path}");
        Assert.True(File.Exists(path));
        Assert.Contains(path, store.Describe());
    }

    [Fact]
    public async Task A_failing_write_in_a_group_commit_fails_alone()
    {
        var options = AdoNetStoreOptions.Sqlite(files.NewDatabase());
        await (await AdoNetStore.OpenAsync(options)).DisposeAsync(); // schema
        var executor = new SqliteExecutor(options);
        var dialect = SqliteDialect.Instance;
        var broken = new SqlStatement("INSERT INTO no_such_table (x) VALUES (1)");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await executor.WriteAsync(async session => i % 10 == 3
                ? await session.Command(broken).ExecuteNonQueryAsync()
                : await session.Command(dialect.InsertState, "park", $"k{i}", "s", $"{{\"value\":{i},\"writer\":\"raw\"}}").ExecuteNonQueryAsync());
        })).ToArray();
        gate.SetResult();
        for (var i = 0; i < writes.Length; i++)
        {
            if (i % 10 == 3) await Assert.ThrowsAsync<SqliteException>(() => writes[i]);
            else Assert.Equal(1, await writes[i]);
        }
        await executor.DisposeAsync();

        await using var store = await AdoNetStore.OpenAsync(options);
        Assert.Equal(54, await RawScalarAsync(options, "SELECT COUNT(*) FROM parkgrid_grain_state"));
        Assert.Equal(new StoredState<Counter>(new Counter(59, "raw"), 1), await store.GrainStorage.ReadAsync<Counter>("s", new GrainId("park", "k59")));
    }

    [Fact]
    public async Task Writes_queued_before_close_are_committed_and_writes_after_close_fail()
    {
        var options = AdoNetStoreOptions.Sqlite(files.NewDatabase());
        var store = await AdoNetStore.OpenAsync(options);
        var grains = Enumerable.Range(0, 200).Select(i => new GrainId("park", $"k{i}")).ToArray();
        var writes = grains.Select(g => Task.Run(() => store.GrainStorage.WriteAsync("s", g, new Counter(1, g.Key), 0))).ToArray();
        await Task.WhenAll(writes);
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GrainStorage.WriteAsync("s", grains[0], new Counter(2, "late"), 1));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GrainStorage.ReadAsync<Counter>("s", grains[0]));
        Assert.Equal(200, await RawScalarAsync(options, "SELECT COUNT(*) FROM parkgrid_grain_state WHERE version = 1"));
    }
}
