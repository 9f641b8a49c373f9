using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using ParkGrid.Persistence.AdoNet.Sql;

namespace ParkGrid.Persistence.AdoNet.Execution;

/// <summary>
/// SQLite: one writer connection on a dedicated thread, fed by a queue, plus a pool of reader connections.
/// <para>
/// SQLite allows one writer at a time, so instead of letting many connections fight over the write lock, every
/// write is queued to a single writer thread. It takes whatever is queued (up to <see cref="MaxBatch"/> units),
/// runs them in ONE transaction and commits — group commit: with many concurrent writers one fsync serves many
/// writes. A unit's task completes only after its COMMIT returned, so every acknowledged write is durable. Units
/// decide conflicts by statements' row counts (they do not throw for a version mismatch), so one unit's conflict
/// never affects another; if a unit does throw (a database error), the batch is rolled back and every unit of
/// it is retried in a transaction of its own, so only the faulty one fails.
/// </para>
/// <para>Reads run on pooled reader connections; WAL journaling lets them proceed while the writer commits.</para>
/// Commands are prepared once per connection and reused.
/// </summary>
internal sealed class SqliteExecutor : DbExecutor
{
    public const int MaxBatch = 256;
    private const int MaxIdleReaders = 16;

    private readonly AdoNetStoreOptions _options;
    private readonly Channel<WriteItem> _queue = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteSession _writer;
    private readonly SqliteCommand _begin, _commit, _rollback;
    private readonly Thread _writerThread;
    private readonly ConcurrentBag<SqliteSession> _idleReaders = new();
    private volatile bool _disposed;

    public SqliteExecutor(AdoNetStoreOptions options)
    {
        _options = options;
        _writer = new SqliteSession(SqliteDialect.Open(options, writer: true));
        _begin = _writer.Raw("BEGIN IMMEDIATE");
        _commit = _writer.Raw("COMMIT");
        _rollback = _writer.Raw("ROLLBACK");
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "ParkGrid SQLite writer" };
        _writerThread.Start();
    }

    public override Task<T> ReadAsync<T>(Func<DbSession, ValueTask<T>> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idleReaders.TryTake(out var session))
            session = new SqliteSession(SqliteDialect.Open(_options, writer: false));
        try
        {
            var result = RunSynchronously(work, session);
            if (_idleReaders.Count < MaxIdleReaders && !_disposed) _idleReaders.Add(session);
            else session.Dispose();
            return Task.FromResult(result);
        }
        catch (Exception e)
        {
            session.Dispose();
            return Task.FromException<T>(e);
        }
    }

    public override Task<T> WriteAsync<T>(Func<DbSession, ValueTask<T>> work)
    {
        var item = new WriteItem<T>(work);
        if (_disposed || !_queue.Writer.TryWrite(item))
            throw new ObjectDisposedException(nameof(SqliteExecutor), "The ADO.NET store is closed.");
        return item.Task;
    }

    private void WriterLoop()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteItem>(MaxBatch);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) continue;
            try
            {
                Commit(batch);
                foreach (var item in batch) item.Complete();
            }
            catch (Exception batchFailure)
            {
                if (batch.Count == 1)
                {
                    batch[0].Fail(batchFailure);
                }
                else
                {
                    foreach (var item in batch)
                    {
                        try
                        {
                            Commit([item]);
                            item.Complete();
                        }
                        catch (Exception e)
                        {
                            item.Fail(e);
                        }
                    }
                }
            }
            batch.Clear();
        }
    }

    private void Commit(List<WriteItem> items)
    {
        _begin.ExecuteNonQuery();
        try
        {
            foreach (var item in items) item.Run(_writer);
            _commit.ExecuteNonQuery();
        }
        catch
        {
            try { _rollback.ExecuteNonQuery(); }
            catch (SqliteException) { /* no transaction left to roll back */ }
            throw;
        }
    }

    private static T RunSynchronously<T>(Func<DbSession, ValueTask<T>> work, DbSession session)
    {
        // Microsoft.Data.Sqlite completes its async methods synchronously, so this never blocks on I/O of another thread.
        var pending = work(session);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _queue.Writer.TryComplete();
        // Queued writes are still committed: the writer drains the queue before it ends.
        await Task.Run(() => _writerThread.Join()).ConfigureAwait(false);
        _writer.Dispose();
        while (_idleReaders.TryTake(out var session)) session.Dispose();
    }

    private abstract class WriteItem
    {
        public abstract void Run(DbSession session);
        public abstract void Complete();
        public abstract void Fail(Exception exception);
    }

    private sealed class WriteItem<T>(Func<DbSession, ValueTask<T>> work) : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;
        public override void Run(DbSession session) => _result = RunSynchronously(work, session);
        public override void Complete() => _completion.TrySetResult(_result!);
        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }

    private sealed class SqliteSession(SqliteConnection connection) : DbSession(SqliteDialect.Instance), IDisposable
    {
        private readonly Dictionary<SqlStatement, DbCommand> _commands = new(ReferenceEqualityComparer.Instance);

        protected override DbCommand GetCommand(SqlStatement statement)
        {
            if (!_commands.TryGetValue(statement, out var command))
            {
                command = Dialect.CreateCommand(connection, statement);
                command.Prepare();
                _commands.Add(statement, command);
            }
            return command;
        }

        public SqliteCommand Raw(string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values) command.Dispose();
            connection.Dispose();
        }
    }
}
