namespace ParkGrid.Runtime;

/// <summary>
/// Identity of a grain: its type name (e.g. "park") and its string key (e.g. "xiangan-digital").
/// Written as "park/xiangan-digital".
/// </summary>
public readonly record struct GrainId
{
    public GrainId(string type, string key)
    {
        if (string.IsNullOrWhiteSpace(type)) throw new ArgumentException("A grain type name must not be empty.", nameof(type));
        if (type.Contains('/')) throw new ArgumentException($"A grain type name must not contain '/': '{type}'.", nameof(type));
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        _hash = HashCode.Combine(type, key);
    }

    public string Type { get; }
    public string Key { get; }

    // Grain ids key the activation directory, the storages and the reminders, each looked up many times per id:
    // hashing both strings once, here, instead of at every lookup.
    private readonly int _hash;

    public bool Equals(GrainId other) => _hash == other._hash && string.Equals(Type, other.Type) && string.Equals(Key, other.Key);

    public override int GetHashCode() => _hash;

    public override string ToString() => $"{Type}/{Key}";

    /// <summary>Parses "type/key"; the key may itself contain '/'.</summary>
    public static GrainId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/');
        if (slash <= 0) throw new FormatException($"'{text}' is not a grain id; expected 'type/key', e.g. 'park/xiangan-digital'.");
        return new GrainId(text[..slash], text[(slash + 1)..]);
    }
}
