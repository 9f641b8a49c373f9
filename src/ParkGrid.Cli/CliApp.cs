using System.CommandLine;

namespace ParkGrid.Cli;

/// <summary>What a command's action gets: its parse result, where to write, the silo, and the cancellation of Ctrl-C.</summary>
internal sealed record CommandContext(ParseResult Parse, Output Output, SiloConnection Silo, bool Json, CancellationToken Cancellation)
{
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);
    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);
}

/// <summary>
/// The parkgrid command. <see cref="RunAsync"/> runs one command line against the given writers and returns its exit
/// code (<see cref="ExitCodes"/>); Program.cs passes the console, tests pass string writers.
/// </summary>
public static class CliApp
{
    public const string DefaultSilo = "http://127.0.0.1:5080";
    public const string SiloEnvironmentVariable = "PARKGRID_SILO";

    /// <summary>Extra commands added to the root (the simulation commands, when that project is referenced).</summary>
    public static IReadOnlyList<Command> ExtraCommands { get; set; } = [];

    public static Command Build(Output output)
    {
        var cli = new Cli(output);
        // A named root (not RootCommand, which takes the host executable's name): usage reads "parkgrid ..." in-process too.
        var root = new Command("parkgrid",
            "parkgrid: query the grains of a ParkGrid silo, file and act on cases, follow its live feed.\n" + ExitCodes.HelpText)
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
        };
        root.Add(cli.SiloOption);
        root.Add(cli.JsonOption);
        root.Add(cli.TimeoutOption);
        foreach (var command in GrainCommands.Create(cli)) root.Add(command);
        foreach (var command in ParkCommands.Create(cli)) root.Add(command);
        foreach (var command in CaseCommands.Create(cli)) root.Add(command);
        root.Add(WatchCommand.Create(cli));
        foreach (var command in ParkGrid.Simulations.SimulationCommands.Create()) root.Add(command);
        foreach (var command in ExtraCommands) root.Add(command);
        return root;
    }

    /// <summary>Runs a command line; returns the exit code. Errors go to <paramref name="stderr"/>, never with a stack trace.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool terminal = false,
        CancellationToken cancellationToken = default, TextReader? stdin = null)
    {
        var output = new Output(stdout, stderr, terminal, stdin);
        var root = Build(output);
        var parse = root.Parse(args);
        // Signals are handled by the caller (Program.cs) through cancellationToken, not by System.CommandLine.
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        try
        {
            var code = await parse.InvokeAsync(config, cancellationToken);
            return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
        }
        catch (CliException e)
        {
            return Report(output, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    internal static int Report(Output output, CliException e)
    {
        output.Error.WriteLine($"error: {e.Message}");
        if (e.Field is not null) output.Error.WriteLine($"field: {e.Field}");
        if (e.Status is not null) output.Error.WriteLine($"status: {e.Status}{(e.Title is null ? "" : " " + e.Title)}");
        return e.ExitCode;
    }

    /// <summary>Writes a usage error (exit code 2) for a problem the parser could not see (e.g. a field an action needs).</summary>
    internal static CliException Usage(string message, string? field = null) => new(ExitCodes.Usage, message, field);
}

/// <summary>The options every command shares and the way commands run (one per command line: options are not shared across parses).</summary>
internal sealed class Cli
{
    public Cli(Output output)
    {
        Output = output;
        TimeoutOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 3600) r.AddError("--timeout must be between 0 and 3600 seconds.");
        });
    }

    public Output Output { get; }

    public readonly Option<string> SiloOption = new("--silo")
    {
        Description = $"The silo's gateway URL, or several separated by commas (a cluster: the next is used when one is down) (default: ${CliApp.SiloEnvironmentVariable}, else {CliApp.DefaultSilo})",
        Recursive = true,
        HelpName = "url",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CliApp.SiloEnvironmentVariable) is { Length: > 0 } env ? env : CliApp.DefaultSilo,
    };

    public readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print the silo's JSON answer instead of tables",
        Recursive = true,
    };

    public readonly Option<double> TimeoutOption = new("--timeout")
    {
        Description = "Seconds to wait for the silo's answer (default 30)",
        Recursive = true,
        HelpName = "seconds",
        DefaultValueFactory = _ => 30,
    };

    /// <summary>Gives a command an action that connects to the silo, runs, and turns failures into exit codes.</summary>
    public void Act(Command command, Func<CommandContext, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var addresses = SiloConnection.ParseAddresses(parse.GetValue(SiloOption)!);
                using var silo = new SiloConnection(addresses, TimeSpan.FromSeconds(parse.GetValue(TimeoutOption)));
                return await body(new CommandContext(parse, Output, silo, parse.GetValue(JsonOption), cancellationToken));
            }
            catch (CliException e)
            {
                return CliApp.Report(Output, e);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception e)
            {
                return CliApp.Report(Output, SiloConnection.FromGrainError(e));
            }
        });

}
