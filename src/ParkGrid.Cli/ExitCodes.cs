namespace ParkGrid.Cli;

/// <summary>The exit codes scripts can rely on (also in <c>parkgrid --help</c> and docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The silo answered with a refusal: a grain or a rule refused the action, or the input was rejected (4xx with a problem; also 5xx).</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong (unknown command or option, missing or malformed argument).</summary>
    public const int Usage = 2;

    /// <summary>The silo cannot be reached (connection refused, no answer in time).</summary>
    public const int SiloUnreachable = 3;

    /// <summary>What was asked for does not exist (404: unknown park, case, grain type or method).</summary>
    public const int NotFound = 4;

    public const string HelpText =
        "Exit codes: 0 success; 1 the silo refused (a grain or rule refused the action, bad input: 4xx problem); " +
        "2 usage error; 3 silo unreachable; 4 not found (404).";
}

/// <summary>A failure the CLI reports on stderr (never with a stack trace) and turns into an exit code.</summary>
public sealed class CliException(int exitCode, string message, string? field = null, int? status = null, string? title = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The input field the silo named as wrong, if any.</summary>
    public string? Field { get; } = field;

    /// <summary>The HTTP status the silo answered with, if it answered.</summary>
    public int? Status { get; } = status;

    /// <summary>The problem's title (e.g. "Rule violated").</summary>
    public string? Title { get; } = title;
}
