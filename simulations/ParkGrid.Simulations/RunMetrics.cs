using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Grains;

namespace ParkGrid.Simulations;

/// <summary>What became of the problems that arose (all of them, warm-up included): the accounting identity.</summary>
public sealed class ProblemFates
{
    public long Arisen;
    /// <summary>Left latent at the enterprise for a contact point visit.</summary>
    public long Latent;
    /// <summary>Scheduled to be reported through a channel later, not reported yet.</summary>
    public long ChannelPending;
    /// <summary>Reported through a channel (12345, 12388, QR code …): filed as a case.</summary>
    public long ChannelFiled;
    /// <summary>Neither reported through a channel before the horizon nor to be found at a visit.</summary>
    public long NeverReported;
}

/// <summary>Per department: the queue length over time (after warm-up) and the waits from assignment to start.</summary>
public sealed class DeskMetrics(Instant start)
{
    private readonly Instant warmupEnd = start;
    private Instant _last = start;
    public int Queued;
    public double QueueArea; // case·days after warm-up
    public double WaitSumDays;
    public long Waits;
    public long Completed;

    public void QueueChanged(Instant at, int delta)
    {
        Advance(at);
        Queued += delta;
    }

    public void Advance(Instant at)
    {
        if (at > _last)
        {
            QueueArea += Queued * (at - _last).TotalDays;
            _last = at;
        }
    }

    public void OnStart(Instant enqueued, Instant started)
    {
        if (enqueued < warmupEnd) return;
        WaitSumDays += (started - enqueued).TotalDays;
        Waits++;
    }
}

/// <summary>Everything a replication measures, from the event stream of case changes and the behaviour grains.</summary>
public sealed class RunMetrics(Instant warmup, bool recordArrivals)
{
    private readonly Instant warmupEnd = warmup;
    private readonly Dictionary<string, CaseTrack> _cases = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, DeskMetrics> _desks = new(StringComparer.Ordinal);
    private Instant _openLast = warmup;
    private ulong _arrivalHash = 14695981039346656037UL;

    public ProblemFates Problems { get; } = new();
    public long ArrivalsInWindow;
    public long NeverReportedInWindow;
    public int Open;
    public double OpenArea;
    public long GoodFaith;
    public long RefusedActions;
    public long ProblemsConsumedByReopen;
    public List<string> Errors { get; } = [];
    public List<(Instant At, string Enterprise, CaseCategory Category)>? Arrivals { get; } = recordArrivals ? [] : null;
    public IReadOnlyDictionary<string, CaseTrack> Cases => _cases;
    public IReadOnlyDictionary<string, DeskMetrics> Desks => _desks;
    public Instant WarmupEnd => warmupEnd;

    /// <summary>A hash of every arrival (time, enterprise, category) in order: equal across policies under common random numbers.</summary>
    public ulong ArrivalHash => _arrivalHash;

    public DeskMetrics Desk(string id)
    {
        if (!_desks.TryGetValue(id, out var d)) _desks[id] = d = new DeskMetrics(warmupEnd);
        return d;
    }

    public void OnArrival(Instant at, string enterprise, CaseCategory category)
    {
        Problems.Arisen++;
        if (at >= warmupEnd) ArrivalsInWindow++;
        _arrivalHash = Mix(_arrivalHash, (ulong)at.ToUnixTimeTicks());
        foreach (var ch in enterprise) _arrivalHash = Mix(_arrivalHash, ch);
        _arrivalHash = Mix(_arrivalHash, (ulong)category);
        Arrivals?.Add((at, enterprise, category));
    }

    private static ulong Mix(ulong h, ulong v) => (h ^ v) * 1099511628211UL;

    public void OnNeverReported(Instant at)
    {
        Problems.NeverReported++;
        if (at >= warmupEnd) NeverReportedInWindow++;
    }

    private void OpenChanged(Instant at, int delta)
    {
        if (at > _openLast)
        {
            OpenArea += Open * (at - _openLast).TotalDays;
            _openLast = at;
        }

        Open += delta;
    }

    public void OnCaseEvent(DomainEvent e)
    {
        var c = e.Case;
        if (!_cases.TryGetValue(c.CaseId, out var t))
        {
            _cases[c.CaseId] = t = new CaseTrack(c.ReceivedAt, c.Channel, c.Category);
            OpenChanged(e.At, +1);
        }

        if (c.EscalationLevel is { } level && (int)level > t.MaxLevel) t.MaxLevel = (int)level;
        t.Satisfaction = c.Satisfaction ?? t.Satisfaction;
        t.Reopens = c.ReopenCount;
        var wasClosed = t.Closed;
        t.Closed = c.Closed;
        if (!wasClosed && c.Closed)
        {
            OpenChanged(e.At, -1);
            t.ClosedAt = e.At;
            t.Unfounded = c.Status == CaseStatus.Unfounded;
        }
        else if (wasClosed && !c.Closed)
        {
            OpenChanged(e.At, +1);
            t.ClosedAt = null;
        }

        if (e.Action == CaseAction.Reopen && e.Detail is { } d && d.Contains("persists", StringComparison.Ordinal)) ProblemsConsumedByReopen++;
    }

    /// <summary>Closes the time integrals at <paramref name="end"/>.</summary>
    public void Finish(Instant end)
    {
        OpenChanged(end, 0);
        foreach (var d in _desks.Values) d.Advance(end);
    }
}

public sealed class CaseTrack(Instant receivedAt, CaseChannel channel, CaseCategory category)
{
    public Instant ReceivedAt { get; } = receivedAt;
    public CaseChannel Channel { get; } = channel;
    public CaseCategory Category { get; } = category;
    public int MaxLevel;
    public int? Satisfaction;
    public int Reopens;
    public bool Closed;
    public bool Unfounded;
    public Instant? ClosedAt;
}
