using System.Runtime.CompilerServices;

namespace ParkGrid.Runtime.Catalog;

/// <summary>
/// An ordered list in one field: nothing, the single item itself, or a List once there are two. Most activations
/// have one state and at most one turn waiting on an await, and they come and go by the hundred thousand in a
/// simulation, so a List and its array each were worth avoiding. A mutable struct: keep it in a field, never copy it.
/// </summary>
internal struct SmallList<T> where T : class
{
    private object? _items; // null, one T, or a List<T> (kept once made, even when it empties)

    public readonly int Count => _items switch
    {
        null => 0,
        List<T> many => many.Count,
        _ => 1,
    };

    public readonly T this[int index] => _items is List<T> many ? many[index] : Unsafe.As<T>(_items!);

    public void Add(T item)
    {
        if (_items is null) _items = item;
        else if (_items is List<T> many) many.Add(item);
        else _items = new List<T>(4) { Unsafe.As<T>(_items), item }; // keeps insertion order
    }

    public bool Remove(T item)
    {
        if (_items is List<T> many) return many.Remove(item);
        if (!ReferenceEquals(_items, item) || item is null) return false;
        _items = null;
        return true;
    }

    public readonly T[] ToArray() => _items switch
    {
        null => [],
        List<T> many => many.ToArray(),
        _ => [Unsafe.As<T>(_items)],
    };

    public void Clear() => _items = null;
}
