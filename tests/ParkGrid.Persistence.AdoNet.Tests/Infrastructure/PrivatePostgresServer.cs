using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ParkGrid.Persistence.Testing;

/// <summary>
/// A throw-away PostgreSQL server for tests and benchmarks: initdb into a fresh temp directory, pg_ctl start on a
/// free loopback port (Unix socket in the same directory), trust authentication for the "postgres" role; Dispose
/// stops it and deletes the directory. initdb refuses to run as root, so when this process is root the server runs
/// as the "postgres" OS user (runuser -u postgres --) and the directory is handed to that user.
/// Shared by tests/ParkGrid.Persistence.AdoNet.Tests and tests/ParkGrid.Persistence.Benchmarks (linked file).
/// </summary>
public sealed class PrivatePostgresServer : IDisposable
{
    public const string InstallHint =
        "Install the PostgreSQL server binaries with `apt-get install -y postgresql` (Debian 12 ships PostgreSQL 15 in " +
        "/usr/lib/postgresql/15/bin), set PARKGRID_POSTGRES_BIN to a directory holding initdb and pg_ctl, or set " +
        "PARKGRID_TEST_POSTGRES to the connection string of a server on which the tests may create databases.";

    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private int _disposed;

    private PrivatePostgresServer(string binDirectory, string root, int port, bool asPostgresUser)
    {
        _binDirectory = binDirectory;
        RootDirectory = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public string RootDirectory { get; }
    public string DataDirectory => Path.Combine(RootDirectory, "data");
    public string LogFile => Path.Combine(RootDirectory, "server.log");
    public int Port { get; }

    /// <summary>A connection string for the superuser "postgres" on the "postgres" database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    /// <summary>Finds initdb and pg_ctl: $PARKGRID_POSTGRES_BIN if set (only there), else /usr/lib/postgresql/15/bin, other versions there, then PATH.</summary>
    public static string FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PARKGRID_POSTGRES_BIN") is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment); // an explicit choice: nothing else is tried
        }
        else
        {
            candidates.Add("/usr/lib/postgresql/15/bin");
            if (Directory.Exists("/usr/lib/postgresql"))
                candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                    .Select(d => Path.Combine(d, "bin")));
            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var directory in candidates)
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
                return directory;
        throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found in {string.Join(", ", candidates.Take(3))}{(candidates.Count > 3 ? " or on PATH" : "")}. {InstallHint}");
    }

    public static PrivatePostgresServer Start(TextWriter? log = null)
    {
        var bin = FindBinDirectory();
        var asPostgresUser = Environment.UserName == "root";
        var root = Directory.CreateTempSubdirectory("parkgrid-pg-").FullName;
        try
        {
            if (asPostgresUser)
            {
                if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && !File.Exists("/usr/bin/runuser"))
                    throw new InvalidOperationException("This process runs as root, and initdb refuses root; runuser (util-linux) is needed to run PostgreSQL as the 'postgres' user.");
                Run("chown", ["postgres:postgres", root], TimeSpan.FromSeconds(30), asPostgresUser: false,
                    hint: "Is there a 'postgres' OS user? `apt-get install -y postgresql` creates it.");
            }

            var probe = new PrivatePostgresServer(bin, root, 0, asPostgresUser);
            probe.Tool("initdb", ["-D", probe.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], TimeSpan.FromMinutes(2));

            for (var attempt = 1; ; attempt++)
            {
                var server = new PrivatePostgresServer(bin, root, FreePort(), asPostgresUser);
                try
                {
                    server.Tool("pg_ctl", ["start", "-D", server.DataDirectory, "-l", server.LogFile, "-w", "-t", "60",
                        "-o", $"-p {server.Port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"], TimeSpan.FromSeconds(90));
                    log?.WriteLine($"Started private PostgreSQL ({bin}) on 127.0.0.1:{server.Port}, data in {server.DataDirectory}");
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Most likely the port was taken between probing and binding; try another.
                }
            }
        }
        catch (Exception e)
        {
            var serverLog = File.Exists(Path.Combine(root, "server.log")) ? File.ReadAllText(Path.Combine(root, "server.log")) : "";
            TryDelete(root);
            throw new InvalidOperationException($"Could not start a private PostgreSQL server: {e.Message}" +
                                                (serverLog.Length > 0 ? $"\nServer log:\n{serverLog}" : ""), e);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Tool("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], TimeSpan.FromSeconds(90));
        }
        catch (Exception)
        {
            try { Tool("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], TimeSpan.FromSeconds(30)); }
            catch (Exception) { /* best effort: the directory goes anyway */ }
        }
        TryDelete(RootDirectory);
    }

    private string Tool(string name, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        Run(Path.Combine(_binDirectory, name), arguments, timeout, _asPostgresUser);

    private static string Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout, bool asPostgresUser, string? hint = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgresUser ? "runuser" : file,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        var output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {output.Trim()}" +
                                                (hint is null ? "" : $" {hint}"));
        return output;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void TryDelete(string directory)
    {
        try { if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
