using System.Diagnostics;

namespace ParkGrid.Runtime.Catalog;

/// <summary>One unit of work for an activation: a grain call, or a system turn (activate, deactivate, timer tick, reminder).</summary>
internal abstract class Message
{
    public long EnqueuedMs;
    public long StartedMs;
    public long StartTimestamp;
    public bool TimedOut;
    public Activation? Activation;

    public virtual bool IsReadOnly => false;
    public virtual bool AlwaysInterleave => false;
    /// <summary>Activation and deactivation run alone: nothing interleaves with them.</summary>
    public virtual bool IsExclusive => false;
    /// <summary>Whether finishing this turn counts as activity for idle collection.</summary>
    public virtual bool CountsAsActivity => true;
    /// <summary>Calls can time out and be forwarded after a deactivation; system turns have their own rules.</summary>
    public virtual bool IsCall => false;
    public virtual GrainMethod? Method => null;

    public abstract Task Run(Activation activation);

    /// <summary>
    /// What <see cref="Run"/> returns when the turn goes on asynchronously and the message itself calls
    /// <see cref="Activation.EndTurn"/> when it ends (timer ticks), instead of a task to continue from. Never completes.
    /// </summary>
    public static readonly Task EndsItsOwnTurn = new TaskCompletionSource().Task;

    /// <summary>Carries this message to the silo that holds its grain now; false if it cannot travel (system turns are the owner's own).</summary>
    public virtual bool TryForward(IGrainLocator locator, GrainId grainId) => false;

    public abstract void Complete(Task turn);
    public abstract void Fail(Exception exception);
    public abstract string Describe();
    /// <summary>Stable across processes, for the deterministic trace.</summary>
    public abstract string TraceName { get; }
}

/// <summary>A grain call waiting for, or running, its turn; the caller awaits <see cref="Promise"/>.</summary>
internal sealed class CallMessage<TResult>(GrainRequest request, bool runContinuationsAsynchronously) : Message
{
    public readonly TaskCompletionSource<TResult> Promise = new(
        runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);

    public override bool IsReadOnly => request.Method.IsReadOnly;
    public override bool AlwaysInterleave => request.Method.AlwaysInterleave;
    public override bool IsCall => true;
    public override GrainMethod Method => request.Method;
    public override string TraceName => request.Method.Name;

    public override Task Run(Activation activation) => request.InvokeOn(activation.GrainInstance!);

    public override bool TryForward(IGrainLocator locator, GrainId grainId)
    {
        locator.InvokeRemoteAsync<TResult>(grainId, request, isVoid: request.Method.ResultType is null).ContinueWith(
            static (remote, state) => ((CallMessage<TResult>)state!).Complete(remote), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    public override void Complete(Task turn)
    {
        if (turn.IsCompletedSuccessfully)
            Promise.TrySetResult(turn is Task<TResult> typed ? typed.Result : default!);
        else if (turn.IsCanceled)
            Promise.TrySetCanceled();
        else
            Promise.TrySetException(turn.Exception!.InnerExceptions);
    }

    public override void Fail(Exception exception) => Promise.TrySetException(exception);
    public override string Describe() => request.Method.ToString();
}

// Activation turns and timer ticks have their own messages (Activation.ActivateTurn, GrainTimer).
internal enum SystemTurn { Deactivate, Reminder }

/// <summary>A turn the runtime itself starts.</summary>
internal class SystemMessage(SystemTurn kind, Func<Activation, Task>? body, string description, bool interleave = false, bool countsAsActivity = true) : Message
{
    // Most system turns (timer ticks, activations) are never awaited, so their completion is made only when asked for:
    // null until then; a TaskCompletionSource once someone waits; the finished outcome if the turn ended first.
    private object? _done;

    public SystemTurn Kind { get; } = kind;
    public override bool IsExclusive => Kind is SystemTurn.Deactivate;
    public override bool AlwaysInterleave => interleave;
    public override bool CountsAsActivity => countsAsActivity;
    public override string TraceName => description;

    public Task Done
    {
        get
        {
            var current = Volatile.Read(ref _done);
            if (current is null)
            {
                var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                current = Interlocked.CompareExchange(ref _done, waiting, null) ?? waiting;
            }
            return current is TaskCompletionSource source ? source.Task : (Task)current;
        }
    }

    public override Task Run(Activation activation) => body!(activation);

    public override void Complete(Task turn)
    {
        if (turn.IsCompletedSuccessfully) Finish(Task.CompletedTask, static s => s.TrySetResult());
        else if (turn.IsCanceled) Finish(Task.FromCanceled(new CancellationToken(true)), static s => s.TrySetCanceled());
        else
        {
            var errors = turn.Exception!.InnerExceptions;
            var failed = new TaskCompletionSource();
            failed.SetException(errors);
            Finish(failed.Task, s => s.TrySetException(errors));
        }
    }

    public override void Fail(Exception exception) => Finish(Task.FromException(exception), s => s.TrySetException(exception));

    /// <summary>Completes the waiting source if there is one; otherwise keeps the outcome for a later <see cref="Done"/>.</summary>
    private void Finish(Task outcome, Action<TaskCompletionSource> complete)
    {
        var current = Interlocked.CompareExchange(ref _done, outcome, null);
        if (current is TaskCompletionSource source) complete(source);
    }

    public override string Describe() => description;
}

/// <summary>A reminder tick: its fields instead of a closure and a delegate per tick.</summary>
internal sealed class ReminderMessage(string reminderName, TickStatus status, string traceName)
    : SystemMessage(SystemTurn.Reminder, body: null, traceName)
{
    public override Task Run(Activation activation) => activation.GrainInstance is IRemindable remindable
        ? remindable.ReceiveReminder(reminderName, status)
        : throw new InvalidOperationException($"{activation.GrainId} received reminder '{reminderName}' but {activation.Class.Type.Name} does not implement IRemindable.");
}

/// <summary>A small FIFO that also allows taking from the middle (for calls allowed to interleave).</summary>
internal sealed class MessageQueue
{
    private Message[] _items = []; // most activations never queue: allocate on first use
    private int _head;
    private int _count;
    private int _interleaving;

    public int Count => _count;

    /// <summary>Queued messages that may start beside a running turn (always-interleave, not exclusive): while there are
    /// none, a busy grain need not look past the head of its mailbox.</summary>
    public int Interleaving => _interleaving;

    public Message this[int index] => _items[(_head + index) & (_items.Length - 1)];

    private static bool Interleaves(Message message) => message.AlwaysInterleave && !message.IsExclusive;

    public void Enqueue(Message message)
    {
        Grow();
        _items[(_head + _count) & (_items.Length - 1)] = message;
        _count++;
        if (Interleaves(message)) _interleaving++;
    }

    public void PushFront(Message message)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = message;
        _count++;
        if (Interleaves(message)) _interleaving++;
    }

    /// <summary>Takes the message at <paramref name="index"/>, moving the shorter side of the queue: taking the head moves
    /// nothing. (Moving everything behind it made a long mailbox quadratic to drain, such as the simulation office's at a
    /// busy instant.)</summary>
    public Message RemoveAt(int index)
    {
        Debug.Assert(index < _count);
        var mask = _items.Length - 1;
        var message = _items[(_head + index) & mask];
        if (index < _count / 2)
        {
            for (var i = index; i > 0; i--) _items[(_head + i) & mask] = _items[(_head + i - 1) & mask];
            _items[_head] = null!;
            _head = (_head + 1) & mask;
        }
        else
        {
            for (var i = index; i < _count - 1; i++) _items[(_head + i) & mask] = _items[(_head + i + 1) & mask];
            _items[(_head + _count - 1) & mask] = null!;
        }
        _count--;
        if (Interleaves(message)) _interleaving--;
        return message;
    }

    public Message[] TakeAll()
    {
        if (_count == 0) return []; // the usual case at deactivation: nothing to allocate, no array to clear
        var all = new Message[_count];
        for (var i = 0; i < _count; i++) all[i] = this[i];
        Array.Clear(_items);
        _head = 0;
        _count = 0;
        _interleaving = 0;
        return all;
    }

    private void Grow()
    {
        if (_count < _items.Length) return;
        var bigger = new Message[Math.Max(4, _items.Length * 2)];
        for (var i = 0; i < _count; i++) bigger[i] = this[i];
        _items = bigger;
        _head = 0;
    }
}
