using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ParkGrid.Cli;

/// <summary>Where a command writes: stdout (tables through Spectre.Console, or JSON) and stderr (errors).</summary>
public sealed class Output
{
    private static readonly JsonSerializerOptions s_pretty = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep 中文 readable
    };

    public Output(TextWriter stdout, TextWriter stderr, bool terminal, TextReader? stdin = null)
    {
        In = stdin ?? TextReader.Null;
        Out = stdout;
        Error = stderr;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) Console.Profile.Width = 200; // redirected or captured: do not wrap tables at 80 columns
    }

    /// <summary>Standard input (for <c>call … -</c>).</summary>
    public TextReader In { get; }
    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public IAnsiConsole Console { get; }

    public static string Pretty(JsonElement json) => JsonSerializer.Serialize(json, s_pretty);
    public static string Compact(JsonElement json) =>
        JsonSerializer.Serialize(json, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public void Json(JsonElement json) => Out.WriteLine(Pretty(json));

    /// <summary>A scalar as one line of text (strings unquoted; arrays of scalars joined; objects as compact JSON).</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array when value.EnumerateArray().All(IsScalar) => string.Join(", ", value.EnumerateArray().Select(Text)),
        JsonValueKind.Object when value.EnumerateObject().All(p => IsScalar(p.Value) || IsScalarList(p.Value)) =>
            string.Join(", ", value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null && !(p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0))
                .Select(p => $"{p.Name}={Text(p.Value)}")),
        JsonValueKind.Number => value.GetRawText(),
        _ => Compact(value),
    };

    public static bool IsScalar(JsonElement value) => value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array);

    private static bool IsScalarList(JsonElement value) => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(IsScalar);

    private static bool IsRows(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object);

    /// <summary>An array of objects as a table; columns are the scalar properties (in first-seen order) unless given.</summary>
    public void Table(JsonElement rows, IReadOnlyList<string>? columns = null, string? title = null)
    {
        var items = rows.ValueKind == JsonValueKind.Array ? rows.EnumerateArray().ToList() : [];
        columns ??= items.SelectMany(i => i.ValueKind == JsonValueKind.Object ? i.EnumerateObject().Select(p => p.Name) : [])
            .Distinct(StringComparer.Ordinal).ToList();
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title = new TableTitle(Markup.Escape(title));
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)));
        foreach (var item in items)
            table.AddRow(columns.Select(c => (IRenderable)new Text(Get(item, c) is { } v ? Text(v) : "")).ToArray());
        Console.Write(table);
    }

    /// <summary>An object as a two-column table of its fields, then a table for each field holding a list of objects.</summary>
    public void Record(JsonElement record, string? title = null)
    {
        var grid = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        if (title is not null) grid.Title = new TableTitle(Markup.Escape(title));
        var lists = new List<(string, JsonElement)>();
        foreach (var p in record.EnumerateObject())
        {
            if (IsRows(p.Value)) lists.Add((p.Name, p.Value));
            else grid.AddRow(new Text(p.Name), new Text(Text(p.Value)));
        }
        Console.Write(grid);
        foreach (var (name, rows) in lists) Table(rows, title: name);
    }

    /// <summary>A property by name, ignoring case.</summary>
    public static JsonElement? Get(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object) return null;
        if (o.TryGetProperty(name, out var exact)) return exact;
        foreach (var p in o.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    public static string? Str(JsonElement o, string name) => Get(o, name) is { } v && v.ValueKind != JsonValueKind.Null ? Text(v) : null;
}
