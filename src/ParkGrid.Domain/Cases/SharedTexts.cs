namespace ParkGrid.Domain.Cases;

/// <summary>
/// A small, lossy table of history texts, so that equal texts share one string. Most details repeat word for word from
/// case to case ("ack clock stopped (met); verify clock 3 working days", "department=market"), and a case keeps its
/// history as long as it lives: a national simulation held up to about 0.2 GB of such copies. Each slot keeps the last text
/// that hashed to it, so the table never grows and a text seen once costs nothing but the lookup. Sharing changes no
/// value, only which equal string instance a history entry holds; a race between threads at worst misses a share.
/// </summary>
internal static class SharedTexts
{
    private const int MaxLength = 160; // longer texts are free text (findings, reports) that seldom repeat
    private static readonly string?[] s_slots = new string?[4096];

    public static string? Share(string? text)
    {
        if (text is null || text.Length == 0 || text.Length > MaxLength) return text;
        var slot = (int)((uint)text.GetHashCode() % (uint)s_slots.Length);
        var held = s_slots[slot];
        if (held is not null && string.Equals(held, text, StringComparison.Ordinal)) return held;
        s_slots[slot] = text;
        return text;
    }
}
