using System.Data.Common;
using ParkGrid.Persistence.AdoNet.Sql;

namespace ParkGrid.Persistence.AdoNet.Execution;

/// <summary>
/// A connection lent to one unit of work. Commands it returns belong to the session (they may be cached and
/// reused, prepared, by the next unit of work): do not dispose them, and dispose every reader.
/// </summary>
internal abstract class DbSession(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    protected abstract DbCommand GetCommand(SqlStatement statement);

    public DbCommand Command(SqlStatement statement, params ReadOnlySpan<object?> values)
    {
        var command = GetCommand(statement);
        SqlDialect.Bind(command, statement, values);
        return command;
    }
}

/// <summary>Runs units of work against the database: reads concurrently, writes durably committed before they complete.</summary>
internal abstract class DbExecutor : IAsyncDisposable
{
    public abstract Task<T> ReadAsync<T>(Func<DbSession, ValueTask<T>> work);

    /// <summary>Runs <paramref name="work"/> in a transaction; the task completes after the commit.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbSession, ValueTask<T>> work);

    public abstract ValueTask DisposeAsync();
}
