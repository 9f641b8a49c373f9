using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Xunit;

namespace ParkGrid.Cli.Tests;

public class WatchAndProcessTests(CliFixture silo) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task Watch_prints_one_line_per_event_and_exits_0_after_count()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watch = CliApp.RunAsync(["watch", "--count", "2", "--park", CliFixture.Park, "--silo", silo.Address], stdout, stderr, cancellationToken: stop.Token);
        var filed = new List<string>();
        // The stream may not be subscribed yet when the first clue is filed: keep filing until two events were printed.
        for (var i = 0; i < 100 && !watch.IsCompleted; i++)
        {
            var run = await silo.RunAsync("case", "file", "--channel", "QrCode", "--category", "ImproperBanquetsOrGifts",
                "--enterprise", "xa-0002", "--park", CliFixture.Park, "--actor", "qr-desk");
            Assert.True(run.ExitCode == 0, run.ToString());
            filed.Add(run.Out.Trim());
            await Task.WhenAny(watch, Task.Delay(200));
        }
        var code = await watch;
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l =>
        {
            Assert.Contains(" case ", l);
            Assert.Contains("Receive", l);
            Assert.Contains("by qr-desk", l);
            Assert.Contains($"[{CliFixture.Park}]", l);
            Assert.Contains(filed, id => l.Contains(id));
        });
    }

    [Fact]
    public async Task Watch_stops_on_cancellation_with_exit_0()
    {
        var stdout = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var code = await CliApp.RunAsync(["watch", "--park", "a-park-with-no-events", "--silo", silo.Address], stdout, new StringWriter(), cancellationToken: stop.Token);
        Assert.Equal(0, code);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [Fact]
    public async Task The_parkgrid_program_ends_watch_with_0_on_a_termination_signal()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "parkgrid.dll"), "watch", "--silo", silo.Address }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // connected and waiting for events
        Assert.False(process.HasExited, "watch ended before the signal");
        Assert.Equal(0, SendSignal(process.Id, 15)); // SIGTERM, handled like Ctrl-C
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
    }

    private static async Task<CliRun> RunProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "parkgrid.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("PARKGRID_SILO");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task The_parkgrid_program_returns_the_documented_exit_codes()
    {
        var help = await RunProcessAsync("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("parkgrid [command] [options]", help.Out);

        var usage = await RunProcessAsync("cases", "--no-such-option");
        Assert.True(usage.ExitCode == 2, usage.ToString());

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var unreachable = await RunProcessAsync("parks", "--silo", $"http://127.0.0.1:{port}");
        Assert.True(unreachable.ExitCode == 3, unreachable.ToString());
        Assert.DoesNotContain("   at ", unreachable.Error);

        var file = await RunProcessAsync("case", "file", "--channel", "Hotline12345", "--category", "SubsidyNotPaidOnTime",
            "--enterprise", "xa-0001", "--park", CliFixture.Park, "--silo", silo.Address);
        Assert.True(file.ExitCode == 0, file.ToString());
        var id = file.Out.Trim();
        var refused = await RunProcessAsync("case", "act", id, "start-rectification", "--actor", "ecology-clerk", "--silo", silo.Address);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("Received", refused.Error);
        Assert.Contains("StartRectification", refused.Error);
        var missing = await RunProcessAsync("case", "show", "case-that-was-never-filed", "--silo", silo.Address);
        Assert.True(missing.ExitCode == 4, missing.ToString());
    }
}
