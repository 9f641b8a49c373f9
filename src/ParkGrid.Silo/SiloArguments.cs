namespace ParkGrid.Silo;

/// <summary>One silo option: its command-line name and the environment variable that sets it in containers.</summary>
public sealed record SiloOption(string Name, string EnvironmentVariable, bool IsFlag, string Description)
{
    /// <summary>The configuration key ASP.NET reads the command-line value under ("--time-scale" → "time-scale").</summary>
    public string Key => Name[2..];
}

/// <summary>The silo's command line: ASP.NET reads "--key value" pairs; flags, help and environment variables are handled here.</summary>
public static class SiloArguments
{
    /// <summary>Every option the silo understands. Deployment files use the environment variables (deploy/ is tested against this list).</summary>
    public static readonly IReadOnlyList<SiloOption> Options =
    [
        new("--store", "PARKGRID_STORE", false, "where grain state and reminders live: a SQLite file (default .parkgrid/parkgrid.db) or a PostgreSQL connection string"),
        new("--urls", "ASPNETCORE_URLS", false, "where the gateway listens (default http://127.0.0.1:5080: loopback only)"),
        new("--demo", "PARKGRID_DEMO", true, "load a demo network (2 parks, 300 enterprises) and keep it busy"),
        new("--time-scale", "PARKGRID_TIME_SCALE", false, "virtual seconds per real second (default 1; 86400 with --demo: a day per second)"),
        new("--clock-start", "PARKGRID_CLOCK_START", false, "with --time-scale: the instant at which virtual and real time agree (default: now); silos of one cluster share it"),
        new("--cluster", "PARKGRID_CLUSTER", false, "join the named cluster: silos sharing a PostgreSQL store and a cluster name serve one grain space"),
        new("--advertise", "PARKGRID_ADVERTISE", false, "with --cluster: the URL other silos reach this one at (default: the first --urls address)"),
        new("--silo-name", "PARKGRID_SILO_NAME", false, "with --cluster: this silo's name in the membership table (default: host name and port)"),
        new("--partitions", "PARKGRID_PARTITIONS", false, "with --cluster: number of partitions, fixed when the cluster is first created (default 64)"),
    ];

    private static readonly string[] HostOptions = ["--environment", "--contentRoot"];

    public static string Help => $"""
        Usage: dotnet run --project src/ParkGrid.Silo -- [options]

        {string.Join(Environment.NewLine, Options.Select(o => $"  {(o.IsFlag ? o.Name : o.Name + " <value>"),-22}{o.Description}"))}
          -h, --help            show this help

        Each option can also be set by its environment variable:
        {string.Join(Environment.NewLine, Options.Select(o => $"  {o.EnvironmentVariable,-22}{o.Name}"))}
        A command-line value wins over the environment.
        """;

    public static bool WantsHelp(string[] args) => args.Any(a => a is "-h" or "--help" or "-?");

    /// <summary>Turns bare flags into "--flag=true" so that ASP.NET does not read the next option as their value;
    /// refuses options it does not know, with a hint, instead of ignoring them.</summary>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            var name = a.Split('=', 2)[0];
            var option = Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
            if (name.StartsWith("--", StringComparison.Ordinal) && option is null && !HostOptions.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Unknown option '{name}'. Options: {string.Join(", ", Options.Select(o => o.Name))} (see --help).");
            if (option is { IsFlag: true } && !a.Contains('=') && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                result.Add(a + "=true");
            else result.Add(a);
        }
        return [.. result];
    }

    /// <summary>
    /// The options' values from the environment, as configuration pairs, for those the command line does not set.
    /// (ASPNETCORE_URLS is left to ASP.NET, which reads it itself.)
    /// </summary>
    public static Dictionary<string, string?> FromEnvironment(Func<string, string?> getEnvironment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in Options)
        {
            if (option.EnvironmentVariable.StartsWith("ASPNETCORE_", StringComparison.Ordinal)) continue;
            var value = getEnvironment(option.EnvironmentVariable);
            if (!string.IsNullOrEmpty(value)) values[option.Key] = value;
        }
        return values;
    }
}
