namespace ParkGrid.Runtime.Catalog;

/// <summary>
/// An ordered list that keeps a single item in a field: most activations have one state, one timer and at
/// most one turn waiting on an await, and they come and go by the hundred thousand in a simulation, so a
/// List and its array each were worth avoiding. A mutable struct: keep it in a field, never copy it.
/// </summary>
internal struct SmallList<T> where T : class
{
    private T? _one;        // the only item, while there is exactly one
    private List<T>? _many; // used once a second item arrives; never holds items while _one does

    public readonly int Count => _one is not null ? 1 : _many?.Count ?? 0;

    public readonly T this[int index] => _one ?? _many![index];

    public void Add(T item)
    {
        if (_one is null && (_many is null || _many.Count == 0))
        {
            _one = item;
            return;
        }
        if (_one is not null)
        {
            (_many ??= new List<T>(4)).Add(_one); // keeps insertion order
            _one = null;
        }
        _many!.Add(item);
    }

    public bool Remove(T item)
    {
        if (_one is not null)
        {
            if (!ReferenceEquals(_one, item)) return false;
            _one = null;
            return true;
        }
        return _many is not null && _many.Remove(item);
    }

    public readonly T[] ToArray() => _one is not null ? [_one] : _many?.ToArray() ?? [];

    public void Clear()
    {
        _one = null;
        _many = null;
    }
}
