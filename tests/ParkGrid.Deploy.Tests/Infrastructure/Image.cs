using System.CommandLine;
using ParkGrid.Cli;
using ParkGrid.Silo;

namespace ParkGrid.Deploy.Tests.Infrastructure;

/// <summary>What the image holds, read from deploy/Dockerfile, and the programs in it: the silo's options and the CLI's parser.</summary>
public static class Image
{
    public const string Name = "parkgrid";

    public static string SiloAssembly => typeof(SiloArguments).Assembly.GetName().Name!;
    public static string CliAssembly => typeof(CliApp).Assembly.GetName().Name!;

    /// <summary>The environment variables the silo reads (ASPNETCORE_URLS among them).</summary>
    public static IReadOnlySet<string> SiloVariables { get; } = SiloArguments.Options.Select(o => o.EnvironmentVariable).ToHashSet(StringComparer.Ordinal);

    /// <summary>What a clustered silo in a container must be given.</summary>
    public static readonly string[] RequiredSiloVariables = ["PARKGRID_STORE", "PARKGRID_CLUSTER", "PARKGRID_SILO_NAME", "PARKGRID_ADVERTISE", "ASPNETCORE_URLS"];

    /// <summary>The port EXPOSEd by the final stage of the Dockerfile (exactly one).</summary>
    public static int ExposedPort()
    {
        var dockerfile = Dockerfile.Load();
        var expose = Assert.Single(dockerfile.InStage(dockerfile.FinalStage, "EXPOSE"));
        var port = Assert.Single(expose.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return int.Parse(port.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The file of the repository an absolute path in the image comes from (COPY from the build context in the final stage), or null.</summary>
    public static string? SourceOf(string imagePath)
    {
        var dockerfile = Dockerfile.Load();
        foreach (var copy in dockerfile.InStage(dockerfile.FinalStage, "COPY"))
        {
            var (flags, sources, destination) = copy.CopyParts();
            if (flags.ContainsKey("from") || sources.Count != 1) continue;
            var dest = destination.TrimEnd('/') + "/";
            if (imagePath.StartsWith(dest, StringComparison.Ordinal))
                return Repo.PathOf(Path.Combine(sources[0].TrimEnd('/'), imagePath[dest.Length..]));
        }
        return null;
    }

    /// <summary>The directory in the image a project's publish output is copied to (publish -o in the build stage, COPY --from in the final one).</summary>
    public static string PublishedDirectory(string project)
    {
        var dockerfile = Dockerfile.Load();
        var publish = dockerfile.Publishes().Where(p => Repo.Relative(Repo.PathOf(p.Project)) == project).ToList();
        Assert.True(publish.Count == 1, $"deploy/Dockerfile publishes {project} {publish.Count} times (expected once)");
        var output = publish[0].Output.TrimEnd('/');
        var copies = dockerfile.InStage(dockerfile.FinalStage, "COPY")
            .Select(c => c.CopyParts())
            .Where(c => c.Flags.ContainsKey("from") && c.Sources.Any(s => s.TrimEnd('/') == output))
            .ToList();
        Assert.True(copies.Count == 1, $"the final stage does not copy the publish output {output} of {project} (exactly once)");
        return copies[0].Destination.TrimEnd('/');
    }

    /// <summary>Parses a parkgrid command line with the CLI's own parser; fails with the parser's errors.</summary>
    public static ParseResult ParseCli(IReadOnlyList<string> args, string where)
    {
        var root = CliApp.Build(new Output(TextWriter.Null, TextWriter.Null, terminal: false));
        var parse = root.Parse([.. args]);
        Assert.True(parse.Errors.Count == 0,
            $"{where}: 'parkgrid {string.Join(' ', args)}' does not parse: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        return parse;
    }

    /// <summary>The value of an option in an argument list ("--name value" or "--name=value"), or null.</summary>
    public static string? OptionValue(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name && i + 1 < args.Count) return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }
        return null;
    }

    /// <summary>The first argument after the command that is not an option or an option's value (simulate's scenario).</summary>
    public static string ScenarioArgument(ParseResult parse) =>
        parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().Single(a => a.Argument.Name == "scenario").Tokens.Single().Value;
}
