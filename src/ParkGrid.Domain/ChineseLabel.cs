using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;

namespace ParkGrid.Domain;

/// <summary>The Chinese label of an enum member, as used in the source reports and on the dashboard.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ChineseLabelAttribute(string label) : Attribute
{
    public string Label { get; } = label;
}

/// <summary>Lookup of <see cref="ChineseLabelAttribute"/> labels.</summary>
public static class ChineseLabels
{
    private static readonly ConcurrentDictionary<Type, object> Cache = new();

    /// <summary>The Chinese label of <paramref name="value"/> (its name if it has none).</summary>
    public static string ToChinese<T>(this T value) where T : struct, Enum =>
        For<T>().TryGetValue(value, out var label) ? label : value.ToString();

    /// <summary>Every member of <typeparamref name="T"/> with its Chinese label.</summary>
    public static IReadOnlyDictionary<T, string> For<T>() where T : struct, Enum =>
        (IReadOnlyDictionary<T, string>)Cache.GetOrAdd(typeof(T), static _ =>
            typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static).ToFrozenDictionary(
                f => (T)f.GetValue(null)!,
                f => f.GetCustomAttribute<ChineseLabelAttribute>()?.Label ?? f.Name));

    /// <summary>Finds the member whose Chinese label is <paramref name="label"/> (exact match).</summary>
    public static bool TryParseChinese<T>(string label, out T value) where T : struct, Enum
    {
        foreach (var (member, text) in For<T>())
        {
            if (text == label)
            {
                value = member;
                return true;
            }
        }

        value = default;
        return false;
    }
}
