using System.Text;
using System.Text.RegularExpressions;

namespace ParkGrid.Deploy.Tests.Infrastructure;

/// <summary>
/// .dockerignore matching as Docker does it: patterns relative to the context root, '*' and '?' within one path
/// segment, '**' across segments, a pattern that matches a directory excludes everything below it, '!' re-includes,
/// the last matching pattern wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude, string Text)> _rules = [];

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var exclude = !line.StartsWith('!');
            var pattern = (exclude ? line : line[1..]).Trim().TrimStart('/').TrimEnd('/');
            if (pattern.StartsWith("./", StringComparison.Ordinal)) pattern = pattern[2..];
            _rules.Add((new Regex("^" + ToRegex(pattern) + "$"), exclude, line));
        }
    }

    public IReadOnlyList<string> Patterns => _rules.Select(r => r.Text).ToList();

    /// <summary>Whether a context-relative path (forward slashes) is left out of the build context.</summary>
    public bool Excludes(string path)
    {
        // A path is excluded when it or one of its parent directories matches (last rule wins per candidate).
        var segments = path.Split('/');
        var excluded = false;
        foreach (var (pattern, exclude, _) in _rules)
        {
            for (var n = 1; n <= segments.Length; n++)
            {
                if (pattern.IsMatch(string.Join('/', segments[..n])))
                {
                    excluded = exclude;
                    break;
                }
            }
        }
        return excluded;
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/') { i++; sb.Append("(?:.*/)?"); }
                else sb.Append(".*");
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}
