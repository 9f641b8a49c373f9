namespace ParkGrid.Runtime.Hosting;

/// <summary>The live host: grains on the thread pool, on the wall clock (or a scaled one for demos).</summary>
public sealed class LiveHost : IAsyncDisposable
{
    private int _state; // 0 new, 1 started, 2 stopped

    internal LiveHost(GrainRuntime runtime) => Runtime = runtime;

    public GrainRuntime Runtime { get; }
    public IGrainFactory GrainFactory => Runtime;

    /// <summary>Loads the reminder table and starts firing reminders.</summary>
    public async Task StartAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) throw new InvalidOperationException("The host was started already.");
        await Runtime.StartAsync();
    }

    /// <summary>Stops reminders, deactivates every grain and flushes its state.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        await Runtime.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Runtime.Statistics.Dispose();
    }
}
