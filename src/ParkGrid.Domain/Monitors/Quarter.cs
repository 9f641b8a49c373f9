using System.Text.Json.Serialization;
using NodaTime;

namespace ParkGrid.Domain.Monitors;

/// <summary>A calendar quarter (Q1 = January–March …). In JSON: <c>{"year":2025,"number":4}</c>.</summary>
public readonly record struct Quarter(int Year, int Number) : IComparable<Quarter>
{
    public static Quarter Of(LocalDate date) => new(date.Year, (date.Month - 1) / 3 + 1);

    [JsonIgnore] public LocalDate FirstDay => new(Year, (Number - 1) * 3 + 1, 1);

    [JsonIgnore] public LocalDate LastDay => FirstDay.PlusMonths(3).PlusDays(-1);

    [JsonIgnore] public Quarter Next => Number == 4 ? new Quarter(Year + 1, 1) : new Quarter(Year, Number + 1);

    public bool Contains(LocalDate date) => Of(date) == this;

    /// <summary>The quarters from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public static IReadOnlyList<Quarter> Range(Quarter first, Quarter last)
    {
        var result = new List<Quarter>();
        for (var q = first; q.CompareTo(last) <= 0; q = q.Next) result.Add(q);
        return result;
    }

    public int CompareTo(Quarter other) => Year != other.Year ? Year.CompareTo(other.Year) : Number.CompareTo(other.Number);

    public override string ToString() => $"{Year}Q{Number}";
}
