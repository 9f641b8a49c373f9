using System.Text.Json;
using System.Text.RegularExpressions;

namespace ParkGrid.Deploy.Tests.Infrastructure;

/// <summary>One instruction of a Dockerfile: its keyword, its arguments (continuations joined), its stage and line.</summary>
public sealed record Instruction(string Keyword, string Arguments, int Stage, int Line)
{
    /// <summary>The exec form ["a", "b"] as a list, or null for the shell form.</summary>
    public IReadOnlyList<string>? ExecForm => Arguments.TrimStart().StartsWith('[') ? JsonSerializer.Deserialize<List<string>>(Arguments) : null;

    /// <summary>COPY/ADD: the flags (--from=...), the sources and the destination.</summary>
    public (Dictionary<string, string> Flags, IReadOnlyList<string> Sources, string Destination) CopyParts()
    {
        var words = ExecForm ?? Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal))
            .Select(w => w[2..].Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var rest = words.Skip(flags.Count).ToList();
        Assert.True(rest.Count >= 2, $"line {Line}: {Keyword} needs a source and a destination");
        return (flags, rest[..^1], rest[^1]);
    }
}

/// <summary>A minimal Dockerfile reader: enough to check what deploy/Dockerfile copies, publishes, exposes and runs.</summary>
public sealed class Dockerfile
{
    public IReadOnlyList<Instruction> Instructions { get; }
    public IReadOnlyList<(string Image, string? Name)> Stages { get; }

    public Dockerfile(string text)
    {
        var instructions = new List<Instruction>();
        var stages = new List<(string, string?)>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var start = i + 1;
            var joined = line;
            while (joined.EndsWith('\\') && i + 1 < lines.Length)
            {
                joined = joined[..^1].TrimEnd();
                var next = lines[++i].Trim();
                if (next.StartsWith('#')) continue; // comment lines inside a continuation are dropped
                joined += " " + next;
            }
            var space = joined.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? joined : joined[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : joined[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
                stages.Add((parts[0], parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null));
            }
            instructions.Add(new Instruction(keyword, arguments, stages.Count - 1, start));
        }
        Instructions = instructions;
        Stages = stages;
    }

    public static Dockerfile Load() => new(Repo.Read("deploy/Dockerfile"));

    public int FinalStage => Stages.Count - 1;

    public IEnumerable<Instruction> InStage(int stage, string keyword) => Instructions.Where(i => i.Stage == stage && i.Keyword == keyword);

    /// <summary>The ENV values of a stage (KEY=VALUE pairs, or the old KEY VALUE form).</summary>
    public Dictionary<string, string> Env(int stage)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in InStage(stage, "ENV"))
        {
            if (!i.Arguments.Contains('='))
            {
                var kv = i.Arguments.Split(' ', 2, StringSplitOptions.TrimEntries);
                env[kv[0]] = kv.Length > 1 ? kv[1] : "";
                continue;
            }
            foreach (Match m in Regex.Matches(i.Arguments, """(?<k>[A-Za-z_][A-Za-z0-9_]*)=(?:"(?<v>[^"]*)"|(?<v>\S*))"""))
                env[m.Groups["k"].Value] = m.Groups["v"].Value;
        }
        return env;
    }

    /// <summary>Every "dotnet publish" in RUN instructions: the project and the -o/--output directory.</summary>
    public IReadOnlyList<(string Project, string Output, Instruction At)> Publishes() =>
        Commands("publish").Select(c =>
        {
            var words = c.Words;
            var project = words.Skip(2).FirstOrDefault(w => !w.StartsWith('-') && (w.EndsWith(".csproj", StringComparison.Ordinal) || w.EndsWith(".sln", StringComparison.Ordinal)));
            Assert.True(project is not null, $"line {c.At.Line}: dotnet publish without a project: {string.Join(' ', words)}");
            var o = Array.FindIndex(words, w => w is "-o" or "--output");
            Assert.True(o >= 0 && o + 1 < words.Length, $"line {c.At.Line}: dotnet publish without -o");
            return (project!, words[o + 1], c.At);
        }).ToList();

    /// <summary>The "dotnet &lt;verb&gt; ..." commands inside RUN instructions (split at &amp;&amp; and ;).</summary>
    public IEnumerable<(string[] Words, Instruction At)> Commands(string verb) =>
        Instructions.Where(i => i.Keyword == "RUN")
            .SelectMany(i => Regex.Split(i.Arguments, "&&|;").Select(c => (Words: c.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), At: i)))
            .Where(c => c.Words.Length >= 2 && c.Words[0] == "dotnet" && c.Words[1] == verb);
}
