using ParkGrid.Runtime.Storage;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NodaTime;
using ParkGrid.Runtime.Metrics;
using ParkGrid.Runtime.Scheduling;
using ParkGrid.Runtime.Timers;

namespace ParkGrid.Runtime.Catalog;

internal enum ActivationStatus { Activating, Valid, Deactivating, Invalid }

/// <summary>
/// One live instance of a grain. It owns a mailbox and runs at most one turn at a time (read-only and
/// always-interleave calls excepted), one thread at a time: it is its own SynchronizationContext, so the
/// continuations of a grain's awaits come back here and run in order with everything else.
/// </summary>
internal sealed class Activation : SynchronizationContext, IGrainContext, IThreadPoolWorkItem
{
    private const int DrainBudget = 256;
    [ThreadStatic] private static int t_inlineDepth;

    private readonly GrainRuntime _runtime;
    private readonly GrainClass _class;
    private readonly MessageQueue _mailbox = new();
    private Queue<(SendOrPostCallback Callback, object? State)>? _continuations;
    private SmallList<Message> _asyncTurns; // guarded by Locked()
    // The timers, in registration order, in a ring linked through the timers themselves (guarded by Locked()): no
    // list to allocate, removal is O(1) (some grains hold many timers, and one-shots leave the list after their
    // tick), and one field per activation (the last timer is the first one's previous).
    private GrainTimer? _firstTimer;
    private SmallList<IStateFacet> _states;
    private Dictionary<string, Random>? _randoms;
    private SystemMessage? _deactivation;
    private bool _executing;
    private bool _exclusiveRunning;
    private bool _deactivateOnIdle;
    private int _running;
    private int _runningReadOnly;
    private long _lastActivityMs;
    private long _keepAliveUntilMs;
    internal bool Watched;      // guarded by Locked(); see CallWatchdog
    internal bool InCollector;  // guarded by the collector's lock

    public Activation(GrainRuntime runtime, GrainClass grainClass, GrainId grainId)
    {
        _runtime = runtime;
        _class = grainClass;
        GrainId = grainId;
        Status = ActivationStatus.Activating;
    }

    // The mailbox is private and always there: no extra lock object per activation.
    private Gate Locked() => new(_mailbox, _runtime.Concurrent);

    public GrainId GrainId { get; }
    public object? GrainInstance { get; private set; }
    public GrainClass Class => _class;
    internal GrainRuntime Runtime => _runtime;
    internal volatile ActivationStatus Status;
    internal long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    /// <summary>Only read-only turns are running (read without the lock: a stale answer only costs a needless flush).</summary>
    internal bool InReadOnlyTurn => _runningReadOnly > 0 && _runningReadOnly == _running;

    /// <summary>Counts turns started, so a state can tell a read in the turn that wrote it from a later one.</summary>
    internal long TurnSerial;
    internal ulong TraceId;

    // ---- IGrainContext -------------------------------------------------------------------------

    public IGrainFactory GrainFactory => _runtime;
    public IClock Clock => _runtime.Scheduler.Clock;

    public Random GetRandom(string purpose)
    {
        _randoms ??= new Dictionary<string, Random>(StringComparer.Ordinal);
        if (!_randoms.TryGetValue(purpose, out var random))
            _randoms[purpose] = random = _runtime.RandomStreams.Get(GrainId, purpose);
        return random;
    }

    public Random NewRandom(string purpose) => _runtime.RandomStreams.Get(GrainId, purpose);

    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string? storageName) where TState : new()
    {
        for (var i = 0; i < _states.Count; i++)
            if (_states[i] is var existing && existing.Name == stateName)
                return existing as IPersistentState<TState> ?? throw new InvalidOperationException(
                    $"{GrainId} asks for state '{stateName}' as {typeof(TState).Name}, but it was already declared with another type.");
        var facet = new PersistentStateFacet<TState>(stateName, GrainId, _runtime.GetStorage(storageName), this);
        _states.Add(facet);
        return facet;
    }

    public IGrainTimer RegisterTimer(Func<object?, CancellationToken, Task> callback, object? state, GrainTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (options.DueTime < Duration.Zero || options.Period <= Duration.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), $"A grain timer needs a due time ≥ 0 and a period > 0; got due {options.DueTime}, period {options.Period}.");
        if (Status is ActivationStatus.Deactivating or ActivationStatus.Invalid)
            throw new InvalidOperationException($"{GrainId} is deactivating; it cannot register a timer.");
        var timer = new GrainTimer(this, callback, state, options);
        using (Locked()) AddTimerLocked(timer);
        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        using (Locked())
        {
            if (!timer.InTimerList) return;
            if (timer.NextTimer == timer) _firstTimer = null;
            else
            {
                timer.PreviousTimer!.NextTimer = timer.NextTimer;
                timer.NextTimer!.PreviousTimer = timer.PreviousTimer;
                if (_firstTimer == timer) _firstTimer = timer.NextTimer;
            }
            timer.PreviousTimer = timer.NextTimer = null;
            timer.InTimerList = false;
        }
    }

    private void AddTimerLocked(GrainTimer timer)
    {
        if (timer.InTimerList) return;
        if (_firstTimer is null)
        {
            timer.PreviousTimer = timer.NextTimer = timer;
            _firstTimer = timer;
        }
        else
        {
            var last = _firstTimer.PreviousTimer!;
            timer.PreviousTimer = last;
            timer.NextTimer = _firstTimer;
            last.NextTimer = timer;
            _firstTimer.PreviousTimer = timer;
        }
        timer.InTimerList = true;
    }

    /// <summary>Lists a timer again that left the list when it had nothing more to do; false if this activation is deactivating.</summary>
    internal bool TryRelistTimer(GrainTimer timer)
    {
        using (Locked())
        {
            if (Status is ActivationStatus.Deactivating or ActivationStatus.Invalid) return false;
            AddTimerLocked(timer);
            return true;
        }
    }

    public Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, Duration dueTime, Duration period)
    {
        if (!_class.IsRemindable)
            throw new InvalidOperationException($"{_class.Type.Name} must implement IRemindable to register reminder '{reminderName}'.");
        return _runtime.Reminders.RegisterOrUpdateAsync(GrainId, reminderName, dueTime, period);
    }

    public Task UnregisterReminder(IGrainReminder reminder) => _runtime.Reminders.UnregisterAsync(GrainId, reminder);
    public Task<IGrainReminder?> GetReminder(string reminderName) => _runtime.Reminders.GetAsync(GrainId, reminderName);
    public Task<IReadOnlyList<IGrainReminder>> GetReminders() => _runtime.Reminders.GetAllAsync(GrainId);

    public void DeactivateOnIdle()
    {
        using (Locked()) _deactivateOnIdle = true;
    }

    public void DelayDeactivation(Duration period)
    {
        var until = _runtime.Scheduler.NowMilliseconds + (long)period.TotalMilliseconds;
        using (Locked()) _keepAliveUntilMs = Math.Max(_keepAliveUntilMs, until);
    }

    // ---- SynchronizationContext: continuations of this grain's awaits come back here ------------

    public override void Post(SendOrPostCallback d, object? state)
    {
        _runtime.RefuseOtherThreads();
        bool schedule;
        using (Locked())
        {
            (_continuations ??= new()).Enqueue((d, state));
            schedule = !_executing;
            _executing = true;
        }
        if (schedule) _runtime.Scheduler.Schedule(this);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Grain code cannot block on its own activation; await instead.");

    public override SynchronizationContext CreateCopy() => this;

    // ---- Calls ----------------------------------------------------------------------------------

    /// <summary>
    /// Starts a call. When the activation is idle the turn runs right here on the caller's thread (no queue,
    /// no thread hop); otherwise the call waits in the mailbox. Returns null if this activation is gone and
    /// the caller must look the grain up again.
    /// </summary>
    public Task? TryCall<TResult>(GrainRequest request, bool isVoid)
    {
        var method = request.Method;
        using (Locked())
        {
            if (Status == ActivationStatus.Invalid) return null;
            if (!CanRunInline(method))
            {
                var queued = new CallMessage<TResult>(request, SynchronizationContext.Current is null);
                EnqueueLocked(queued);
                return queued.Promise.Task;
            }
            _executing = true;
            _running++;
            if (method.IsReadOnly) _runningReadOnly++;
        }
        return RunInline<TResult>(request, isVoid);
    }

    private bool CanRunInline(GrainMethod method) =>
        Status == ActivationStatus.Valid && !_executing && _mailbox.Count == 0 && (_continuations is null || _continuations.Count == 0)
        && _runtime.Options.InlineTurns && t_inlineDepth < _runtime.Options.MaxInlineDepth
        && CanStart(method.IsReadOnly, method.AlwaysInterleave, exclusive: false);

    private Task RunInline<TResult>(GrainRequest request, bool isVoid)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        t_inlineDepth++;
        TurnSerial++;
        var start = _runtime.Statistics.LatencyProfiling ? Stopwatch.GetTimestamp() : 0;
        _runtime.TurnObserver?.Invoke(this, request.Method.Name);
        Task turn;
        try
        {
            turn = request.InvokeOn(GrainInstance!);
        }
        catch (Exception e)
        {
            turn = isVoid ? Task.FromException(e) : Task.FromException<TResult>(e);
        }
        finally
        {
            t_inlineDepth--;
            SetSynchronizationContext(previous);
        }

        if (turn.IsCompleted)
        {
            FinishTurn(request.Method.IsReadOnly, exclusive: false, countsAsActivity: true, turn);
            Record(request.Method, start, !turn.IsCompletedSuccessfully);
            ReleaseAfterInline();
            // The grain's own task is the answer; a throw turned into a task above is typed for the caller.
            return isVoid || turn is Task<TResult> ? turn : Task.FromException<TResult>(turn.Exception!.InnerException!);
        }

        // The turn awaits something: the caller gets a promise that can time out, completed when the turn ends.
        var message = new CallMessage<TResult>(request, previous is null)
        {
            Activation = this,
            StartTimestamp = start,
            StartedMs = _runtime.Scheduler.NowMilliseconds,
        };
        using (Locked())
        {
            _asyncTurns.Add(message);
            _runtime.Watchdog.Watch(this);
        }
        turn.ContinueWith(static (t, s) => ((Message)s!).Activation!.EndTurn((Message)s!, t), message,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        ReleaseAfterInline();
        return message.Promise.Task;
    }

    private void ReleaseAfterInline()
    {
        bool schedule;
        using (Locked())
        {
            schedule = HasWorkLocked();
            _executing = schedule;
        }
        if (schedule) _runtime.Scheduler.Schedule(this);
    }

    /// <summary>Queues a message that is already built (forwarded calls, timer ticks, reminders). False if this activation is gone.</summary>
    public bool TryEnqueue(Message message)
    {
        using (Locked())
        {
            if (Status == ActivationStatus.Invalid) return false;
            EnqueueLocked(message);
            return true;
        }
    }

    private void EnqueueLocked(Message message)
    {
        message.EnqueuedMs = _runtime.Scheduler.NowMilliseconds;
        _mailbox.Enqueue(message);
        if (!_executing)
        {
            _executing = true;
            _runtime.Scheduler.Schedule(this);
        }
        else if (message.IsCall) _runtime.Watchdog.Watch(this);
    }

    // ---- The drain loop -------------------------------------------------------------------------

    /// <summary>Runs queued continuations and turns, one at a time, until nothing can start.</summary>
    public void Execute()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        var reschedule = false;
        try
        {
            for (var budget = DrainBudget; ; budget--)
            {
                Message? message = null;
                (SendOrPostCallback Callback, object? State) continuation = default;
                using (Locked())
                {
                    if (budget == 0 && HasWorkLocked())
                    {
                        reschedule = true; // let other activations run; keep ownership
                        break;
                    }
                    if (_continuations is { Count: > 0 }) continuation = _continuations.Dequeue();
                    else if ((message = TakeStartableLocked()) is null)
                    {
                        _executing = false;
                        if (_mailbox.Count > 0) _runtime.Watchdog.Watch(this); // something waits that cannot start yet
                        return;
                    }
                }

                if (message is null) RunContinuation(continuation);
                else StartTurn(message);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
        if (reschedule) _runtime.Scheduler.Schedule(this);
    }

    private void RunContinuation((SendOrPostCallback Callback, object? State) continuation)
    {
        try
        {
            continuation.Callback(continuation.State);
        }
        catch (Exception e)
        {
            // Continuations of async methods never throw; anything else that was posted must not kill the drain.
            _runtime.Logger.LogError(e, "A continuation posted to {GrainId} threw", GrainId);
        }
    }

    private bool HasWorkLocked() => _continuations is { Count: > 0 } || _mailbox.Count > 0;

    private bool CanStart(bool readOnly, bool alwaysInterleave, bool exclusive)
    {
        if (_exclusiveRunning) return false;
        if (exclusive) return _running == 0;
        if (Status != ActivationStatus.Valid) return false;
        if (alwaysInterleave || _class.IsReentrant) return true;
        return _running == 0 || (readOnly && _running == _runningReadOnly);
    }

    /// <summary>The head of the mailbox if it may start; otherwise the first call allowed to interleave (FIFO otherwise).</summary>
    private Message? TakeStartableLocked()
    {
        if (_mailbox.Count == 0) return null;
        if (Status == ActivationStatus.Invalid) return null;
        var index = -1;
        var head = _mailbox[0];
        if (CanStart(head.IsReadOnly, head.AlwaysInterleave, head.IsExclusive)) index = 0;
        else if (Status == ActivationStatus.Valid && !_exclusiveRunning && (_class.IsReentrant || _mailbox.Interleaving > 0))
        {
            for (var i = 1; i < _mailbox.Count; i++)
            {
                var m = _mailbox[i];
                if (!m.IsExclusive && (m.AlwaysInterleave || _class.IsReentrant)) { index = i; break; }
            }
        }
        if (index < 0) return null;
        var message = _mailbox.RemoveAt(index);
        _running++;
        if (message.IsReadOnly) _runningReadOnly++;
        if (message.IsExclusive) _exclusiveRunning = true;
        return message;
    }

    private void StartTurn(Message message)
    {
        message.Activation = this;
        TurnSerial++;
        message.StartTimestamp = _runtime.Statistics.LatencyProfiling ? Stopwatch.GetTimestamp() : 0;
        message.StartedMs = _runtime.Scheduler.NowMilliseconds;
        _runtime.TurnObserver?.Invoke(this, message.TraceName);
        Task turn;
        try
        {
            turn = message.Run(this);
        }
        catch (Exception e)
        {
            turn = Task.FromException(e);
        }

        if (turn.IsCompleted)
        {
            EndTurn(message, turn);
            return;
        }
        using (Locked())
        {
            _asyncTurns.Add(message);
            if (message.IsCall) _runtime.Watchdog.Watch(this);
        }
        // Its continuation comes back through this activation, so it cannot end the turn before the lines above ran.
        if (ReferenceEquals(turn, Message.EndsItsOwnTurn)) return;
        turn.ContinueWith(static (t, s) => ((Message)s!).Activation!.EndTurn((Message)s!, t), message,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal void EndTurn(Message message, Task turn)
    {
        using (Locked()) _asyncTurns.Remove(message);
        FinishTurn(message.IsReadOnly, message.IsExclusive, message.CountsAsActivity, turn);
        if (message.Method is { } method) Record(method, message.StartTimestamp, !turn.IsCompletedSuccessfully);
        message.Complete(turn);
        bool schedule;
        using (Locked())
        {
            schedule = !_executing && HasWorkLocked();
            if (schedule) _executing = true;
        }
        if (schedule) _runtime.Scheduler.Schedule(this);
    }

    /// <summary>Counts a finished call, with its latency if it was timed (start 0: profiling was off).</summary>
    private void Record(GrainMethod method, long startTimestamp, bool failed)
    {
        var histogram = _runtime.Statistics.ForMethod(_class.GrainTypeName, method);
        if (startTimestamp != 0) histogram.Record(Stopwatch.GetTimestamp() - startTimestamp, failed);
        else histogram.RecordUntimed(failed);
    }

    /// <summary>Bookkeeping common to every finished turn; may queue a deactivation.</summary>
    private void FinishTurn(bool readOnly, bool exclusive, bool countsAsActivity, Task turn)
    {
        using (Locked())
        {
            _running--;
            if (readOnly) _runningReadOnly--;
            if (exclusive) _exclusiveRunning = false;
            if (countsAsActivity) _lastActivityMs = _runtime.Scheduler.NowMilliseconds;
            if (Status != ActivationStatus.Valid) return;
            if (turn.IsFaulted && turn.Exception!.InnerException is InconsistentStateException)
                RequestDeactivationLocked(DeactivationReason.InconsistentState, front: true);
            else if (_deactivateOnIdle && _running == 0)
            {
                _deactivateOnIdle = false;
                RequestDeactivationLocked(DeactivationReason.ApplicationRequested, front: false);
            }
        }
    }

    // ---- Call timeouts --------------------------------------------------------------------------

    /// <summary>
    /// Fails calls that have waited longer than the timeout, queued or running. Returns the earliest start of a
    /// call still waiting (long.MaxValue if none), and stops being watched when nothing waits.
    /// </summary>
    internal long ExpireWaitingCalls(long nowMs, long timeoutMs, CallWatchdog watchdog)
    {
        List<(Message Message, string Reason)>? expired = null;
        var earliest = long.MaxValue;
        using (Locked())
        {
            string? busyWith = null; // described only when a queued call times out: this runs on every watchdog pass
            for (var i = 0; i < _mailbox.Count; i++)
            {
                var m = _mailbox[i];
                if (!m.IsCall) continue;
                if (m.EnqueuedMs + timeoutMs <= nowMs)
                {
                    busyWith ??= DescribeRunningLocked();
                    _mailbox.RemoveAt(i--);
                    (expired ??= []).Add((m,
                        $"Call to {GrainId} {m.Describe()} timed out after {Format(timeoutMs)}: it waited in the queue while {GrainId} was busy running {busyWith}. {CycleAdvice}"));
                }
                else earliest = Math.Min(earliest, m.EnqueuedMs);
            }
            for (var i = 0; i < _asyncTurns.Count; i++)
            {
                var m = _asyncTurns[i];
                if (!m.IsCall || m.TimedOut) continue;
                if (m.StartedMs + timeoutMs <= nowMs)
                {
                    m.TimedOut = true;
                    (expired ??= []).Add((m,
                        $"Call to {GrainId} {m.Describe()} timed out after {Format(timeoutMs)}: the grain started it but it has not finished; it is waiting on something, such as another grain's call that cannot run. {CycleAdvice}"));
                }
                else earliest = Math.Min(earliest, m.StartedMs);
            }
            if (earliest == long.MaxValue)
            {
                Watched = false;
                watchdog.Forget(this);
            }
        }
        if (expired is not null)
            foreach (var (m, reason) in expired)
            {
                _runtime.Statistics.CallTimedOut();
                m.Fail(new GrainCallTimeoutException(reason));
            }
        return earliest;
    }

    // Both kinds of timed-out call may be part of a cycle: a queued call behind a turn that waits on it, or a started call
    // whose turn waits on a call queued behind it. Which of the two expires first in a pass is a matter of milliseconds.
    private const string CycleAdvice =
        "If that call is itself waiting on this one (a call cycle such as A → B → A), mark a method [AlwaysInterleave] or the grain [Reentrant], or break the cycle.";

    private string DescribeRunningLocked()
    {
        if (_asyncTurns.Count > 0) return string.Join(", ", _asyncTurns.ToArray().Select(m => m.Describe()));
        return _running > 0 ? "another turn" : "nothing (it was starting)";
    }

    private static string Format(long ms) => ms % 1000 == 0 ? $"{ms / 1000} s" : $"{ms} ms";

    // ---- Lifecycle ------------------------------------------------------------------------------

    /// <summary>Queues the activation turn at the front; called once by whoever created this activation.</summary>
    internal void BeginActivation()
    {
        using (Locked())
        {
            _mailbox.PushFront(new ActivateTurn());
            if (!_executing)
            {
                _executing = true;
                _runtime.Scheduler.Schedule(this);
            }
        }
    }

    /// <summary>
    /// The activation turn: runs alone, and nobody awaits it (a failed activation fails the calls that wait), so it
    /// needs none of a system message's fields; one is made for every activation, and simulations make many.
    /// </summary>
    private sealed class ActivateTurn : Message
    {
        public override bool IsExclusive => true;
        public override string TraceName => "activate";
        public override Task Run(Activation activation) => activation.ActivateAsync();
        public override void Complete(Task turn) { }
        public override void Fail(Exception exception) { }
        public override string Describe() => "activate";
    }

    private async Task ActivateAsync()
    {
        try
        {
            GrainInstance = _class.Create(this);
            for (var i = 0; i < _states.Count; i++) await _states[i].ReadAsync();
            if (GrainInstance is Grain grain) await grain.OnActivateAsync(CancellationToken.None);
            using (Locked())
            {
                Status = ActivationStatus.Valid;
                _lastActivityMs = _runtime.Scheduler.NowMilliseconds;
            }
            _runtime.Statistics.ActivationAdded(_class.GrainTypeName);
            _runtime.Collector.Track(this);
        }
        catch (Exception e)
        {
            var error = new GrainActivationException($"Activating {GrainId} ({_class.Type.Name}) failed: {e.Message}", e);
            Message[] waiting;
            using (Locked())
            {
                Status = ActivationStatus.Invalid;
                waiting = _mailbox.TakeAll();
            }
            DisposeTimers();
            _runtime.Directory.Remove(this);
            _runtime.Logger.LogWarning(e, "Activating {GrainId} failed", GrainId);
            foreach (var m in waiting) m.Fail(error);
        }
    }

    /// <summary>Queues a deactivation unless one is queued already; returns its completion.</summary>
    internal Task RequestDeactivation(DeactivationReason reason)
    {
        using (Locked())
        {
            if (Status == ActivationStatus.Invalid) return Task.CompletedTask;
            return RequestDeactivationLocked(reason, front: false);
        }
    }

    private Task RequestDeactivationLocked(DeactivationReason reason, bool front)
    {
        if (_deactivation is not null) return _deactivation.Done;
        _deactivation = new SystemMessage(SystemTurn.Deactivate, s_deactivate.GetOrAdd(reason, static r => a => a.DeactivateAsync(r)), DeactivationTraceName(reason));
        if (front) _mailbox.PushFront(_deactivation);
        else _mailbox.Enqueue(_deactivation);
        if (!_executing)
        {
            _executing = true;
            _runtime.Scheduler.Schedule(this);
        }
        return _deactivation.Done;
    }

    // Trace names and bodies of deactivations, made once per reason (idle collection deactivates grains all the time).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DeactivationReason, string> s_deactivationNames = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DeactivationReason, Func<Activation, Task>> s_deactivate = new();

    private static string DeactivationTraceName(DeactivationReason reason) =>
        s_deactivationNames.GetOrAdd(reason, static r => $"deactivate ({r})");

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        Status = ActivationStatus.Deactivating;
        DisposeTimers();
        try
        {
            if (GrainInstance is Grain grain) await grain.OnDeactivateAsync(reason, CancellationToken.None);
            // State is flushed first, unless storage has just told us our copy is stale.
            if (reason != DeactivationReason.InconsistentState)
                for (var i = 0; i < _states.Count; i++)
                    if (_states[i].IsDirty) await _states[i].WriteAsync();
        }
        catch (Exception e)
        {
            _runtime.Logger.LogError(e, "Deactivating {GrainId} ({Reason}) failed; its unsaved state is lost", GrainId, reason);
        }
        finally
        {
            Message[] leftovers;
            using (Locked())
            {
                Status = ActivationStatus.Invalid;
                leftovers = _mailbox.TakeAll();
                // References may still point here (they cache their activation): let the grain and its state go.
                GrainInstance = null;
                _states.Clear();
                _randoms = null;
            }
            _runtime.Directory.Remove(this);
            _runtime.Statistics.ActivationRemoved(_class.GrainTypeName);
            // Calls and reminders that arrived meanwhile go to a fresh activation; timer ticks died with this one.
            foreach (var m in leftovers)
                if (m is not (GrainTimer or ActivateTurn or SystemMessage { Kind: SystemTurn.Deactivate }))
                    _runtime.Forward(GrainId, m);
        }
    }

    private void DisposeTimers()
    {
        GrainTimer? only = null;
        GrainTimer[]? several = null;
        using (Locked())
        {
            // Disposing removes the timer from the list: iterate over a copy, made only if there are several.
            if (_firstTimer is null) return;
            if (_firstTimer.NextTimer == _firstTimer) only = _firstTimer;
            else
            {
                var all = new List<GrainTimer>();
                var t = _firstTimer;
                do
                {
                    all.Add(t);
                    t = t.NextTimer!;
                } while (t != _firstTimer);
                several = [.. all];
            }
        }
        only?.Dispose();
        if (several is not null)
            foreach (var t in several) t.Dispose();
    }

    /// <summary>If idle past the collection age, queues a deactivation; returns when to look again (or null if gone).</summary>
    internal long? TryCollect(long nowMs, long ageMs)
    {
        using (Locked())
        {
            if (Status != ActivationStatus.Valid || _deactivation is not null) return null;
            var expiry = Math.Max(_lastActivityMs + ageMs, _keepAliveUntilMs);
            if (_running > 0 || _executing || HasWorkLocked() || expiry > nowMs) return Math.Max(expiry, nowMs + 1);
            RequestDeactivationLocked(DeactivationReason.IdleCollection, front: false);
            return null;
        }
    }

    public override string ToString() => $"activation of {GrainId} ({Status})";
}
