using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ParkGrid.Deploy.Tests.Infrastructure;

/// <summary>A YAML value with the path it was found at, for messages. Missing keys give a node whose value is null.</summary>
public sealed class Node(object? value, string path)
{
    public object? Value { get; } = value;
    public string Path { get; } = path;
    public bool Exists => Value is not null;

    public Node this[string key] =>
        Value is Dictionary<string, object?> map && map.TryGetValue(key, out var v) ? new Node(v, $"{Path}.{key}") : new Node(null, $"{Path}.{key}");

    public Node this[int index] =>
        Value is List<object?> list && index < list.Count ? new Node(list[index], $"{Path}[{index}]") : new Node(null, $"{Path}[{index}]");

    public string? Str => Value as string;

    public string S => Value as string ?? throw new Xunit.Sdk.XunitException($"{Path}: expected a scalar, found {Describe()}");

    public int Int => int.TryParse(S, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
        ? i : throw new Xunit.Sdk.XunitException($"{Path}: expected an integer, found '{S}'");

    public IReadOnlyList<Node> Items => Value is List<object?> list ? list.Select((x, i) => new Node(x, $"{Path}[{i}]")).ToList() : [];

    public IReadOnlyList<KeyValuePair<string, Node>> Entries => Value is Dictionary<string, object?> map
        ? map.Select(kv => new KeyValuePair<string, Node>(kv.Key, new Node(kv.Value, $"{Path}.{kv.Key}"))).ToList()
        : [];

    /// <summary>A mapping of scalars as a dictionary (labels, selectors).</summary>
    public Dictionary<string, string> StringMap() => Entries.ToDictionary(kv => kv.Key, kv => kv.Value.S);

    private string Describe() => Value switch
    {
        null => "nothing",
        List<object?> => "a sequence",
        Dictionary<string, object?> => "a mapping",
        _ => Value.ToString() ?? "?",
    };

    public override string ToString() => $"{Path} = {Describe()}";
}

public static class Yaml
{
    /// <summary>Every document of a YAML file (a file may hold several, separated by ---); fails on a syntax error.</summary>
    public static IReadOnlyList<Node> LoadAll(string relativePath) => Parse(Repo.Read(relativePath), relativePath);

    public static IReadOnlyList<Node> Parse(string text, string name)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException e) { throw new Xunit.Sdk.XunitException($"{name}: {e.Message} at {e.Start}"); }
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select((d, i) => new Node(ToPlain(d.RootNode, name), stream.Documents.Count > 1 ? $"{name}#{i}" : name))
            .ToList();
    }

    public static Node Load(string relativePath) => Assert.Single(LoadAll(relativePath));

    private static object? ToPlain(YamlNode node, string name) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            kv => kv.Key is YamlScalarNode { Value: { } k } ? k : throw new Xunit.Sdk.XunitException($"{name}: a non-scalar key at {kv.Key.Start}"),
            kv => ToPlain(kv.Value, name)),
        YamlSequenceNode seq => seq.Children.Select(c => ToPlain(c, name)).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new Xunit.Sdk.XunitException($"{name}: unsupported YAML node at {node.Start} (aliases are not resolved here)"),
    };
}
