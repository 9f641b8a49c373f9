using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using ParkGrid.Persistence.AdoNet.Sql;

namespace ParkGrid.Persistence.AdoNet.Execution;

/// <summary>
/// SQLite: one writer connection used by one thread at a time, fed by a queue, plus a pool of reader connections.
/// <para>
/// SQLite allows one writer at a time, so instead of letting many connections fight over the write lock (and sleep
/// in its busy handler), every write is queued for the single writer connection. Whoever finds the writer idle
/// becomes the "combiner" (flat combining): it takes whatever is queued (up to <see cref="MaxBatch"/> units), runs
/// them in ONE transaction and commits — group commit: with many concurrent writers one fsync serves many writes —
/// and repeats until its own unit is done; leftover work is handed to a thread-pool task. A lone writer therefore
/// runs its write on its own thread with no hand-off, and concurrent writers share commits.
/// </para>
/// <para>
/// A unit's task completes only after its COMMIT returned, so every acknowledged write is durable. Units decide
/// conflicts by statements' row counts (they do not throw for a version mismatch), so one unit's conflict never
/// affects another; if a unit does throw (a database error), the batch is rolled back and every unit of it is
/// retried in a transaction of its own, so only the faulty one fails.
/// </para>
/// <para>Reads run on pooled reader connections; WAL journaling lets them proceed while the writer commits.</para>
/// Commands are prepared once per connection and reused.
/// </summary>
internal sealed class SqliteExecutor : DbExecutor
{
    public const int MaxBatch = 256;
    private const int MaxIdleReaders = 16;

    private readonly AdoNetStoreOptions _options;
    private readonly ConcurrentQueue<WriteItem> _queue = new();
    private readonly SqliteSession _writer;
    private readonly SqliteCommand _begin, _commit, _rollback;
    private readonly List<WriteItem> _batch = new(MaxBatch);
    private readonly ConcurrentBag<SqliteSession> _idleReaders = new();
    private int _combining;
    private int _closed; // 1 once DisposeAsync committed the last queued writes: nothing queued later will run
    private volatile bool _disposed;

    public SqliteExecutor(AdoNetStoreOptions options)
    {
        _options = options;
        _writer = new SqliteSession(SqliteDialect.Open(options, writer: true));
        _begin = _writer.Raw("BEGIN IMMEDIATE");
        _commit = _writer.Raw("COMMIT");
        _rollback = _writer.Raw("ROLLBACK");
    }

    public override Task<T> ReadAsync<T>(Func<DbSession, ValueTask<T>> work)
    {
        if (_disposed) return Task.FromException<T>(Closed());
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
        if (_disposed) return Task.FromException<T>(Closed());
        var item = new WriteItem<T>(work);
        _queue.Enqueue(item);
        Combine(until: item);
        // Queued while the store was closing, after its last commit: nobody will run it.
        if (Volatile.Read(ref _closed) == 1 && !item.Task.IsCompleted) item.Fail(Closed());
        return item.Task;
    }

    /// <summary>Processes queued writes while the writer is free, until <paramref name="until"/> is done (null: until the queue is empty).</summary>
    private void Combine(WriteItem? until)
    {
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _combining, 1, 0) == 0)
        {
            try
            {
                while (!_queue.IsEmpty && until is not { IsDone: true }) RunBatch();
            }
            finally
            {
                // A full fence: the queue check below must not be read before the writer is seen free.
                Interlocked.Exchange(ref _combining, 0);
            }
            if (until is { IsDone: true })
            {
                // Our own write is committed: let a pool thread carry on with the rest, and return to the caller.
                if (!_queue.IsEmpty) ThreadPool.UnsafeQueueUserWorkItem(static self => self.Combine(until: null), this, preferLocal: false);
                return;
            }
            // Otherwise the loop re-checks the queue: an item queued just before we released the writer is not lost.
        }
    }

    private void RunBatch()
    {
        var batch = _batch;
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var item)) batch.Add(item);
        if (batch.Count == 0) return;
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
        finally
        {
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

    private static ObjectDisposedException Closed() => new(nameof(AdoNetStore), "The ADO.NET store is closed.");

    private static T RunSynchronously<T>(Func<DbSession, ValueTask<T>> work, DbSession session)
    {
        // Microsoft.Data.Sqlite completes its async methods synchronously, so this never blocks on I/O of another thread.
        var pending = work(session);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public override ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        // Take the writer for good (waiting for a running combiner), commit what is queued, then close.
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _combining, 1, 0) != 0) spin.SpinOnce();
        while (!_queue.IsEmpty) RunBatch();
        Interlocked.Exchange(ref _closed, 1);
        while (_queue.TryDequeue(out var late)) late.Fail(Closed());
        _writer.Dispose();
        while (_idleReaders.TryTake(out var session)) session.Dispose();
        return ValueTask.CompletedTask;
    }

    private abstract class WriteItem
    {
        public abstract bool IsDone { get; }
        public abstract void Run(DbSession session);
        public abstract void Complete();
        public abstract void Fail(Exception exception);
    }

    private sealed class WriteItem<T>(Func<DbSession, ValueTask<T>> work) : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;
        public override bool IsDone => _completion.Task.IsCompleted;
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
