using System.Diagnostics.Tracing;
using System.Globalization;

/// <summary>
/// Listens to the runtime's own GC events, in process (no external profiler needed): samples allocations by type
/// through AllocationTick (one event per ~100 KB allocated), and times each collection by generation with the bytes
/// it promoted (copying survivors is most of what a collection costs). Opt-in (<c>--allocations</c>): listening costs a little time.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _largeBytesByType = new(StringComparer.Ordinal); // large-object heap: what triggers gen2 collections
    private readonly object _lock = new();

    // Per generation collected (0, 1, 2): collections, seconds from start to end, bytes promoted out of the oldest generation collected.
    private readonly int[] _collections = new int[3];
    private readonly double[] _collectionSeconds = new double[3];
    private readonly long[] _promotedBytes = new long[3];
    private readonly Dictionary<string, int>[] _reasons = [new(), new(), new()]; // why each generation was collected
    private int _collecting; // the generation of the collection under way (events of one collection arrive in order)
    private DateTime _collectionStart;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.Payload is null || e.PayloadNames is null) return;
        long Field(string name) => Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf(name)], CultureInfo.InvariantCulture);
        lock (_lock)
        {
            switch (e.EventName)
            {
                case "GCStart_V2":
                    _collecting = (int)Math.Min(2, Field("Depth"));
                    _collectionStart = e.TimeStamp;
                    var reason = ReasonName(Field("Reason"));
                    _reasons[_collecting][reason] = _reasons[_collecting].GetValueOrDefault(reason) + 1;
                    break;
                case "GCHeapStats_V2":
                    _promotedBytes[_collecting] += Field("TotalPromotedSize" + _collecting);
                    break;
                case "GCEnd_V1":
                    _collections[_collecting]++;
                    _collectionSeconds[_collecting] += (e.TimeStamp - _collectionStart).TotalSeconds;
                    break;
                case "GCAllocationTick_V4":
                    var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
                    _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + Field("AllocationAmount64");
                    if (Field("AllocationKind") == 1) _largeBytesByType[type] = _largeBytesByType.GetValueOrDefault(type) + Field("AllocationAmount64");
                    break;
            }
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _bytesByType.Clear();
            _largeBytesByType.Clear();
            Array.Clear(_collections);
            Array.Clear(_collectionSeconds);
            Array.Clear(_promotedBytes);
            foreach (var r in _reasons) r.Clear();
        }
    }

    public void Print(int top)
    {
        List<KeyValuePair<string, long>> rows, large;
        lock (_lock)
        {
            rows = [.. _bytesByType.OrderByDescending(kv => kv.Value)];
            large = [.. _largeBytesByType.OrderByDescending(kv => kv.Value)];
            Console.WriteLine("  collections by generation (time from start to end; MiB promoted per collection):");
            for (var g = 0; g < 3; g++)
                Console.WriteLine($"    gen{g}: {_collections[g],4} taking {_collectionSeconds[g],6:0.00} s; {_promotedBytes[g] / 1048576.0 / Math.Max(1, _collections[g]),6:N0} MiB promoted each" +
                                  (_reasons[g].Count == 0 ? "" : $"; triggered by {string.Join(", ", _reasons[g].OrderByDescending(r => r.Value).Select(r => $"{r.Key} ×{r.Value}"))}"));
        }
        var total = rows.Sum(r => r.Value);
        Console.WriteLine($"  sampled allocations by type (GC AllocationTick, {total / 1048576.0:N0} MiB sampled), top {top}:");
        foreach (var (type, bytes) in rows.Take(top))
            Console.WriteLine($"    {100.0 * bytes / total,5:0.0}%  {bytes / 1048576.0,8:N0} MiB  {type}");
        Console.WriteLine($"  of which on the large-object heap (arrays of 85,000 bytes or more; their volume triggers gen2 collections): {large.Sum(r => r.Value) / 1048576.0:N0} MiB, top 8:");
        foreach (var (type, bytes) in large.Take(8))
            Console.WriteLine($"    {bytes / 1048576.0,8:N0} MiB  {type}");
    }

    // GCStart's Reason field (the runtime's gc_reason).
    private static string ReasonName(long reason) => reason switch
    {
        0 => "small allocations",
        1 => "induced",
        2 => "low memory",
        4 => "large-object allocations",
        5 => "out of space (small objects)",
        6 => "out of space (large objects)",
        8 => "internal",
        _ => $"reason {reason}",
    };
}
