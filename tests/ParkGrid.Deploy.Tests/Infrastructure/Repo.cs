using System.Xml.Linq;

namespace ParkGrid.Deploy.Tests.Infrastructure;

/// <summary>Paths in the repository (found by walking up from the test binaries to the folder holding ParkGrid.sln).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Deploy => Path.Combine(Root, "deploy");
    public static string K8s => Path.Combine(Deploy, "k8s");

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative.Replace('\\', '/')));

    public static string Read(string relative)
    {
        var path = PathOf(relative);
        Assert.True(File.Exists(path), $"{relative} is missing");
        return File.ReadAllText(path);
    }

    /// <summary>A path relative to the root with forward slashes.</summary>
    public static string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    /// <summary>The projects a project references, transitively, itself included (repository-relative paths).</summary>
    public static IReadOnlySet<string> ProjectClosure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Relative(PathOf(project))]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current)) continue;
            var full = PathOf(current);
            Assert.True(File.Exists(full), $"project {current} does not exist");
            var dir = Path.GetDirectoryName(full)!;
            foreach (var reference in XDocument.Load(full).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value;
                if (include is null) continue;
                pending.Push(Relative(Path.GetFullPath(Path.Combine(dir, include.Replace('\\', '/')))));
            }
        }
        return seen;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ParkGrid.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No ParkGrid.sln above {AppContext.BaseDirectory}");
    }
}
