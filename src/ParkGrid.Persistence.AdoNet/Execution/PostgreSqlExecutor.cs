using System.Data.Common;
using Npgsql;
using ParkGrid.Persistence.AdoNet.Sql;

namespace ParkGrid.Persistence.AdoNet.Execution;

/// <summary>
/// PostgreSQL: each unit of work borrows a pooled connection and runs in autocommit mode (one statement that
/// decides, so no explicit transaction is needed). PostgreSQL's default synchronous_commit=on makes a commit
/// durable before the server acknowledges it. Statements are auto-prepared per physical connection by Npgsql.
/// </summary>
internal sealed class PostgreSqlExecutor(NpgsqlDataSource dataSource) : DbExecutor
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public override Task<T> ReadAsync<T>(Func<DbSession, ValueTask<T>> work) => RunAsync(work);

    public override Task<T> WriteAsync<T>(Func<DbSession, ValueTask<T>> work) => RunAsync(work);

    private async Task<T> RunAsync<T>(Func<DbSession, ValueTask<T>> work)
    {
        await using var connection = await DataSource.OpenConnectionAsync().ConfigureAwait(false);
        return await work(new Session(connection)).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private sealed class Session(NpgsqlConnection connection) : DbSession(PostgreSqlDialect.Instance)
    {
        protected override DbCommand GetCommand(SqlStatement statement) => Dialect.CreateCommand(connection, statement);
    }
}
