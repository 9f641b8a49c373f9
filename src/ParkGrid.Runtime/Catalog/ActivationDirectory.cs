using System.Collections.Concurrent;

namespace ParkGrid.Runtime.Catalog;

/// <summary>The activations of this runtime: at most one per grain id.</summary>
internal sealed class ActivationDirectory(GrainRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();

    public int Count => _activations.Count;
    public IEnumerable<Activation> All => _activations.Values;

    /// <summary>
    /// The activation of the grain, created if there is none. Racing first calls all get the same one:
    /// an activation is only an empty shell until its activation turn runs, so losing a race costs nothing.
    /// The creator (<paramref name="created"/>) queues its own message first and then calls
    /// <see cref="Activation.BeginActivation"/>, so the call that caused an activation sees it fail.
    /// </summary>
    public Activation GetOrCreate(GrainId grainId, out bool created)
    {
        created = false;
        if (_activations.TryGetValue(grainId, out var existing)) return existing;
        var shell = new Activation(runtime, runtime.Registry.Get(grainId.Type), grainId);
        var winner = _activations.GetOrAdd(grainId, shell);
        created = ReferenceEquals(winner, shell);
        return winner;
    }

    public bool TryGet(GrainId grainId, out Activation activation) => _activations.TryGetValue(grainId, out activation!);

    public void Remove(Activation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.GrainId, activation));
}
