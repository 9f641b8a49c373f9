namespace ParkGrid.Runtime;

/// <summary>
/// Where grains live when several runtimes (silos) share one grain space. The runtime asks it before it
/// activates a grain: a grain that is not local is called through <see cref="InvokeRemoteAsync{TResult}"/>
/// instead. Without a locator every grain is local (a single silo, the deterministic host).
/// </summary>
public interface IGrainLocator
{
    /// <summary>Whether this runtime may activate the grain now.</summary>
    bool IsLocal(GrainId grainId);

    /// <summary>Carries a call to the runtime that holds the grain; for a method without a result, <typeparamref name="TResult"/> is object and the result is ignored.</summary>
    Task<TResult> InvokeRemoteAsync<TResult>(GrainId grainId, GrainRequest request, bool isVoid);
}
