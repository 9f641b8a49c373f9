using Microsoft.Data.Sqlite;
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
}
