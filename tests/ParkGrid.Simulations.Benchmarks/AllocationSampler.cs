using System.Diagnostics.Tracing;

/// <summary>
/// Samples allocations by type through the runtime's own GC AllocationTick event (one event per ~100 KB allocated),
/// in process: no external profiler needed. Opt-in (<c>--allocations</c>): listening costs a little time.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName != "GCAllocationTick_V4" || e.Payload is null || e.PayloadNames is null) return;
        var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock) _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }

    public void Reset()
    {
        lock (_lock) _bytesByType.Clear();
    }

    public void Print(int top)
    {
        List<KeyValuePair<string, long>> rows;
        lock (_lock) rows = [.. _bytesByType.OrderByDescending(kv => kv.Value)];
        var total = rows.Sum(r => r.Value);
        Console.WriteLine($"  sampled allocations by type (GC AllocationTick, {total / 1048576.0:N0} MiB sampled), top {top}:");
        foreach (var (type, bytes) in rows.Take(top))
            Console.WriteLine($"    {100.0 * bytes / total,5:0.0}%  {bytes / 1048576.0,8:N0} MiB  {type}");
    }
}
