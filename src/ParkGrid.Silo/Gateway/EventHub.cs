using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using ParkGrid.Grains;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Silo.Gateway;

/// <summary>
/// Fans domain events out to every open event stream (and keeps the latest ones for newcomers). Publishing
/// never blocks a grain: a slow subscriber loses its oldest events, never the grain its turn.
/// </summary>
public sealed class EventHub : IDomainEventSink
{
    private const int SubscriberBuffer = 1000;
    private const int RecentCount = 200;
    private readonly object _lock = new();
    private readonly List<Channel<DomainEvent>> _subscribers = [];
    private readonly Queue<DomainEvent> _recent = new();
    private long _published;

    public long Published => Interlocked.Read(ref _published);

    public void Publish(DomainEvent domainEvent)
    {
        Interlocked.Increment(ref _published);
        lock (_lock)
        {
            _recent.Enqueue(domainEvent);
            if (_recent.Count > RecentCount) _recent.Dequeue();
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(domainEvent);
        }
    }

    /// <summary>The latest events, oldest first.</summary>
    public IReadOnlyList<DomainEvent> Recent()
    {
        lock (_lock) return [.. _recent];
    }

    /// <summary>Events from now on, as server-sent-event items ("case" events with a JSON body), until the caller goes away.</summary>
    public async IAsyncEnumerable<SseItem<string>> Stream([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<DomainEvent>(new BoundedChannelOptions(SubscriberBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock) _subscribers.Add(channel);
        try
        {
            yield return new SseItem<string>("{}", "connected");
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
                yield return new SseItem<string>(JsonSerializer.Serialize(e, ParkGridJson.Options), "case");
        }
        finally
        {
            lock (_lock) _subscribers.Remove(channel);
        }
    }
}
