using Microsoft.Extensions.Logging;
using NodaTime;
using ParkGrid.Runtime.Catalog;
using ParkGrid.Runtime.Scheduling;

namespace ParkGrid.Runtime.Timers;

/// <summary>
/// A grain timer. Each tick is a turn of its activation; the next tick is scheduled only when the previous
/// one has finished, so ticks never overlap. Disposed with the activation. The timer is itself the message
/// of its ticks: one tick is queued or running at a time, so the same object serves them all (a message per
/// tick was the largest allocation of the simulations).
/// </summary>
internal sealed class GrainTimer(Activation activation, Func<object?, CancellationToken, Task> callback, object? state, GrainTimerOptions options) : Message, IGrainTimer
{
    private readonly CancellationTokenSource _disposed = new();
    private GrainTimerOptions _options = options;
    private ScheduledCallback? _pending;
    private bool _ticking;
    private Duration? _dueAfterTick;
    private bool _listed = true; // in the activation's list of timers, as every registered timer starts
    private bool _inMailbox;     // queued or running as a turn, until the activation has finished with it
    private bool _dueWhileInMailbox;
    private Task? _callbackTask;    // the callback of the running tick, while it awaits
    private Action? _onCallbackDone; // made once per timer

    // The activation's list of timers runs through its timers; guarded by the activation's lock.
    internal GrainTimer? PreviousTimer;
    internal GrainTimer? NextTimer;
    internal bool InTimerList;

    private TurnScheduler Scheduler => activation.Runtime.Scheduler;
    // The timer is its own monitor: simulations register a timer per event, and a lock object each was one more allocation.
    private Gate Locked() => new(this, activation.Runtime.Concurrent);

    public void Start()
    {
        using (Locked()) ArmLocked(_options.DueTime);
    }

    private void ArmLocked(Duration delay)
    {
        if (_disposed.IsCancellationRequested || delay == Duration.MaxValue) return;
        _pending = Scheduler.ScheduleAt(Scheduler.Clock.GetCurrentInstant() + delay, static s => ((GrainTimer)s!).OnDue(), this);
    }

    private void OnDue()
    {
        using (Locked())
        {
            _pending = null;
            if (_disposed.IsCancellationRequested) return;
            _ticking = true;
            // The live host may fire the next tick before the activation has finished ending the last one (its
            // bookkeeping runs after the tick body re-armed the timer): it is queued when that turn ends.
            if (_inMailbox)
            {
                _dueWhileInMailbox = true;
                return;
            }
            _inMailbox = true;
        }
        if (!activation.TryEnqueue(this)) Dispose();
    }

    /// <summary>The activation has finished with this tick's turn (or dropped it): the message may be queued again.</summary>
    private void TurnEnded()
    {
        using (Locked())
        {
            _inMailbox = _dueWhileInMailbox && !_disposed.IsCancellationRequested;
            _dueWhileInMailbox = false;
            if (!_inMailbox) return;
        }
        if (!activation.TryEnqueue(this)) Dispose();
    }

    // ---- Message: each tick is a turn of the activation -----------------------------------------

    public override bool AlwaysInterleave => _options.Interleave;
    public override bool CountsAsActivity => _options.KeepAlive;
    public override string TraceName => "timer tick";
    public override Task Run(Activation activation) => Tick();
    public override void Complete(Task turn) => TurnEnded();
    public override void Fail(Exception exception) => TurnEnded();
    public override string Describe() => "timer tick";

    /// <summary>
    /// Runs the callback. When it completes at once the tick ends here; otherwise its continuation comes back through
    /// the activation's context, as an await's would, and ends the turn itself: no state machine, turn task or
    /// task continuation per tick.
    /// </summary>
    private Task Tick()
    {
        Task callbackTask;
        try
        {
            if (_disposed.IsCancellationRequested)
            {
                TickEnded();
                return Task.CompletedTask;
            }
            callbackTask = callback(state, _disposed.Token);
        }
        catch (Exception e)
        {
            LogFailure(e);
            TickEnded();
            return Task.CompletedTask;
        }
        if (callbackTask.IsCompleted)
        {
            if (callbackTask.IsFaulted) LogFailure(callbackTask.Exception!.InnerException!);
            TickEnded();
            return Task.CompletedTask;
        }
        _callbackTask = callbackTask;
        // OnCompleted captures the current context (this activation) and the execution context, exactly as `await` does.
        callbackTask.GetAwaiter().OnCompleted(_onCallbackDone ??= OnCallbackDone);
        return EndsItsOwnTurn;
    }

    private void OnCallbackDone()
    {
        var callbackTask = _callbackTask!;
        _callbackTask = null;
        if (callbackTask.IsFaulted) LogFailure(callbackTask.Exception!.InnerException!);
        TickEnded();
        activation.EndTurn(this, Task.CompletedTask);
    }

    // A tick that was cancelled is not a failure; whatever the tick's outcome, the turn itself succeeded.
    private void LogFailure(Exception e)
    {
        if (e is not OperationCanceledException)
            activation.Runtime.Logger.LogWarning(e, "A timer tick of {GrainId} threw", activation.GrainId);
    }

    /// <summary>Arms the next tick once this one has finished, so that ticks never overlap.</summary>
    private void TickEnded()
    {
        using (Locked())
        {
            _ticking = false;
            var next = _dueAfterTick ?? _options.Period;
            _dueAfterTick = null;
            ArmLocked(next);
            // A timer that will not tick again (a one-shot) leaves the activation's list until Change arms it again:
            // grains that register a timer per event would otherwise keep every one of them as long as they live.
            if (_pending is null && _listed)
            {
                _listed = false;
                activation.RemoveTimer(this);
            }
        }
    }

    public void Change(Duration dueTime, Duration period)
    {
        if (dueTime < Duration.Zero || period <= Duration.Zero)
            throw new ArgumentOutOfRangeException(nameof(dueTime), $"A grain timer needs a due time ≥ 0 and a period > 0; got due {dueTime}, period {period}.");
        using (Locked())
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            _options = _options with { DueTime = dueTime, Period = period };
            _pending?.Cancel();
            _pending = null;
            if (_ticking) _dueAfterTick = dueTime; // rescheduled when the running tick ends: never overlap
            else ArmLocked(dueTime);
            if (_pending is not null && !_listed)
            {
                // Armed again: back in the list, so that deactivation stops it; an activation on its way out takes no timer.
                if (activation.TryRelistTimer(this)) _listed = true;
                else Dispose();
            }
        }
    }

    public void Dispose()
    {
        using (Locked())
        {
            if (_disposed.IsCancellationRequested) return;
            _disposed.Cancel();
            _pending?.Cancel();
            _pending = null;
        }
        activation.RemoveTimer(this);
    }
}
