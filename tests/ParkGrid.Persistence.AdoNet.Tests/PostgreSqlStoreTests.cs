using Npgsql;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;

namespace ParkGrid.Persistence.AdoNet.Tests;

/// <summary>The provider suite on a real PostgreSQL (see <see cref="PostgresServerFixture"/>), in a database of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreTests(PostgresServerFixture server) : StoreProviderTests
{
    protected override AdoNetBackend Backend => AdoNetBackend.PostgreSql;

    protected override async Task<AdoNetStoreOptions> ClassDatabaseAsync() =>
        AdoNetStoreOptions.PostgreSql(await server.ClassDatabaseAsync(GetType()));

    protected override async Task<AdoNetStoreOptions> FreshDatabaseAsync() =>
        AdoNetStoreOptions.PostgreSql(await server.CreateDatabaseAsync());

    protected override async Task<long> RawScalarAsync(AdoNetStoreOptions database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    [Fact]
    public async Task Runs_against_a_real_PostgreSQL_server()
    {
        await using var connection = new NpgsqlConnection(ClassOptions.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version()", connection);
        Assert.StartsWith("PostgreSQL", (string)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Describe_never_shows_the_password()
    {
        var options = AdoNetStoreOptions.Parse("Host=db.example;Port=5433;Database=parkgrid;Username=silo;Password=s3cret-pw");
        Assert.Equal(AdoNetBackend.PostgreSql, options.Backend);
        Assert.Equal("PostgreSQL db.example:5433, database parkgrid, user silo", options.Describe());
        Assert.DoesNotContain("s3cret-pw", options.ToString());

        // An unreachable server fails with the description, without the password.
        var unreachable = AdoNetStoreOptions.Parse("Host=127.0.0.1;Port=1;Database=nothing;Username=silo;Password=s3cret-pw;Timeout=2");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => AdoNetStore.OpenAsync(unreachable));
        Assert.DoesNotContain("s3cret-pw", e.Message);
    }
}
