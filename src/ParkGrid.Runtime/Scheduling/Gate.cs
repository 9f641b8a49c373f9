namespace ParkGrid.Runtime.Scheduling;

/// <summary>
/// A monitor that is taken only when turns may run on several threads (<c>using (new Gate(monitor, concurrent))</c>
/// instead of <c>lock (monitor)</c>). The deterministic host runs everything on its one thread and refuses calls from
/// any other, so there the runtime's locks would only cost time: a simulated event takes several of them.
/// </summary>
internal readonly ref struct Gate
{
    private readonly object? _held;

    public Gate(object monitor, bool concurrent)
    {
        if (!concurrent) return;
        Monitor.Enter(monitor);
        _held = monitor;
    }

    public void Dispose()
    {
        if (_held is not null) Monitor.Exit(_held);
    }
}
