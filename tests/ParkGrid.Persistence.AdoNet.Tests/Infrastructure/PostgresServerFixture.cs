using System.Collections.Concurrent;
using Npgsql;
using ParkGrid.Persistence.Testing;

namespace ParkGrid.Persistence.AdoNet.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for the tests: the server named by PARKGRID_TEST_POSTGRES (a connection string whose user may
/// CREATE DATABASE) if set, otherwise a private PostgreSQL started for this run (<see cref="PrivatePostgresServer"/>)
/// and stopped and deleted at the end. Missing binaries make the fixture — and so every PostgreSQL test — fail
/// with instructions; nothing is skipped.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "PARKGRID_TEST_POSTGRES";

    private readonly ConcurrentDictionary<string, Task<string>> _classDatabases = new();
    private readonly ConcurrentBag<string> _created = new();
    private PrivatePostgresServer? _server;

    public string AdminConnectionString { get; private set; } = "";

    /// <summary>Where the server came from, for messages.</summary>
    public string Source { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
        {
            AdminConnectionString = external;
            Source = $"{EnvironmentVariable} ({AdoNetStoreOptions.PostgreSql(external).Describe()})";
        }
        else
        {
            _server = await Task.Run(() => PrivatePostgresServer.Start());
            AdminConnectionString = _server.ConnectionString;
            Source = $"private server on port {_server.Port}";
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Cannot connect to the test PostgreSQL ({Source}): {e.Message}", e);
        }
    }

    /// <summary>A new, empty database (random name); returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "parkgrid_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        _created.Add(name);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The database of one test class: created on first use, shared by that class's tests.</summary>
    public Task<string> ClassDatabaseAsync(Type testClass) => _classDatabases.GetOrAdd(testClass.FullName!, _ => CreateDatabaseAsync());

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            _server.Dispose(); // the whole cluster goes
            return;
        }
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        foreach (var name in _created)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL";
}
