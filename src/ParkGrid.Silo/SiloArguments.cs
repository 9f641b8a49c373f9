namespace ParkGrid.Silo;

/// <summary>The silo's command line: ASP.NET reads "--key value" pairs; flags and help are handled here.</summary>
public static class SiloArguments
{
    private static readonly string[] Flags = ["--demo"];
    private static readonly string[] Known = ["--store", "--urls", "--time-scale", "--demo", "--environment", "--contentRoot"];

    public const string Help = """
        Usage: dotnet run --project src/ParkGrid.Silo -- [options]

          --store <spec>        where grain state and reminders live: a SQLite file (default .parkgrid/parkgrid.db)
                                or a PostgreSQL connection string ("Host=...;Database=...;Username=...;Password=...")
          --urls <urls>         where the gateway listens (default http://127.0.0.1:5080: loopback only)
          --demo                load a demo network (2 parks, 300 enterprises) and keep it busy
          --time-scale <n>      virtual seconds per real second (default 1; 86400 with --demo: a day per second)
          -h, --help            show this help

        Environment variables with the same names work too (e.g. store=..., or ASPNETCORE_URLS).
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
            if (name.StartsWith("--", StringComparison.Ordinal) && !Known.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Unknown option '{name}'. Options: {string.Join(", ", Known.Take(4))} (see --help).");
            if (Flags.Contains(a, StringComparer.OrdinalIgnoreCase) && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                result.Add(a + "=true");
            else result.Add(a);
        }
        return [.. result];
    }
}
