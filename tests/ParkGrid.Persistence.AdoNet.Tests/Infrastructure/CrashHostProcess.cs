using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace ParkGrid.Persistence.AdoNet.Tests.Infrastructure;

/// <summary>The ParkGrid.CrashHost program as a child process: send it commands, read its answers, kill it.</summary>
public sealed class CrashHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly Task _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Every acknowledged append, per key, as printed by the host.</summary>
    public ConcurrentDictionary<string, ConcurrentBag<int>> Acks { get; } = new();

    private CrashHostProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    Acks.GetOrAdd(parts[1], _ => []).Add(int.Parse(parts[2]));
                }
                else _lines.Writer.TryWrite(line);
            }
            _lines.Writer.TryComplete();
        });
    }

    public static async Task<CrashHostProcess> StartAsync(string storeSpec)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostAssembly);
        info.ArgumentList.Add(storeSpec);
        var host = new CrashHostProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the crash host"));
        var ready = await host.NextLineAsync(TimeSpan.FromSeconds(60));
        if (!ready.StartsWith("ready ", StringComparison.Ordinal)) throw new InvalidOperationException($"crash host said '{ready}' instead of ready");
        return host;
    }

    /// <summary>tests/ParkGrid.CrashHost/bin/&lt;configuration&gt;/net10.0/ParkGrid.CrashHost.dll, built with this project.</summary>
    private static string HostAssembly
    {
        get
        {
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = baseDir.Name;
            var configuration = baseDir.Parent!.Name;
            var testsDir = baseDir.Parent.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(testsDir, "ParkGrid.CrashHost", "bin", configuration, framework, "ParkGrid.CrashHost.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The crash host is not built at {path}.", path);
        }
    }

    public async Task SendAsync(string line)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<string> NextLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The crash host said nothing for {timeout.TotalSeconds} s.");
        }
    }

    /// <summary>Asks the host for a grain's state.</summary>
    public async Task<JsonElement> ReadStateAsync(string key)
    {
        await SendAsync($"read {key}");
        var line = await NextLineAsync(TimeSpan.FromSeconds(30));
        var prefix = $"state {key} ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal)) throw new InvalidOperationException($"expected the state of {key}, got '{line}'");
        return JsonDocument.Parse(line[prefix.Length..]).RootElement.Clone();
    }

    /// <summary>SIGKILL: no shutdown, no flush. Returns once the process is gone and its output is read.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reader;
    }

    public async Task QuitAsync()
    {
        await SendAsync("quit");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await _reader;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
