using System.Text.Json;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ParkGrid.Persistence.AdoNet.Tests;

/// <summary>
/// A host process of the runtime writes acknowledged changes through the ADO.NET store, is killed with
/// SIGKILL at a random moment, and is restarted: every acknowledged change must be there, with its
/// history, and the reminders must fire again, reporting the ticks missed while it was down.
/// </summary>
public abstract class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Keys = 8;

    protected abstract Task<string> NewStoreAsync();

    [Fact]
    public async Task Acknowledged_changes_and_reminders_survive_a_kill()
    {
        var spec = await NewStoreAsync();
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var killAfter = TimeSpan.FromMilliseconds(random.Next(300, 1500));
        output.WriteLine($"seed {seed}: killing {killAfter.TotalMilliseconds} ms after the first acknowledged write");

        Dictionary<string, int[]> acked;
        int ticksBeforeKill;
        await using (var host = await CrashHostProcess.StartAsync(spec))
        {
            await host.SendAsync("remind r 500");
            Assert.Equal("reminding r", await host.NextLineAsync(TimeSpan.FromSeconds(30)));
            await Task.Delay(1300);
            ticksBeforeKill = (await host.ReadStateAsync("r")).GetProperty("ticks").GetArrayLength();
            Assert.True(ticksBeforeKill >= 1, "the reminder should have ticked before the kill");

            using var stopWriting = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                try
                {
                    for (var n = 0; !stopWriting.IsCancellationRequested; n++)
                    {
                        await host.SendAsync($"append k{n % Keys} {n / Keys}");
                        if (n % 64 == 63) await Task.Delay(1);
                    }
                }
                catch (IOException) { } // the pipe breaks when the process dies
            });
            // The random delay counts from the first acknowledged append: on a loaded machine the host may take a
            // while to acknowledge anything, and a kill before that would prove nothing.
            var firstAck = System.Diagnostics.Stopwatch.StartNew();
            while (host.Acks.IsEmpty && firstAck.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
            await Task.Delay(killAfter);
            await host.KillAsync();
            await stopWriting.CancelAsync();
            await writer;
            acked = host.Acks.ToDictionary(kv => kv.Key, kv => kv.Value.Order().ToArray());
        }

        var total = acked.Values.Sum(a => a.Length);
        output.WriteLine($"{total} appends were acknowledged before the kill");
        Assert.True(total > 0, "nothing was acknowledged before the kill: the test proves nothing");

        await Task.Delay(2000); // down for four reminder periods
        await using (var host = await CrashHostProcess.StartAsync(spec))
        {
            foreach (var (key, sequences) in acked)
            {
                var history = (await host.ReadStateAsync(key)).GetProperty("history").EnumerateArray().ToList();
                var stored = history.Select(e => e.GetProperty("sequence").GetInt32()).ToList();
                // Appends to one grain run in order and each is durable before the next, so storage holds a
                // gap-free prefix that contains every acknowledged append (and maybe a few unacknowledged ones).
                Assert.Equal(Enumerable.Range(0, stored.Count), stored);
                Assert.True(stored.Count >= sequences.Length && sequences.All(s => s < stored.Count),
                    $"{key}: {sequences.Length} acknowledged (max {sequences.Max()}) but {stored.Count} stored");
                Assert.All(history, e => Assert.Equal($"append {e.GetProperty("sequence").GetInt32()}", e.GetProperty("what").GetString()));
            }

            // The reminder resumes on the restarted host, first with the ticks it missed while down.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            JsonElement ticks;
            while (true)
            {
                ticks = (await host.ReadStateAsync("r")).GetProperty("ticks");
                if (ticks.GetArrayLength() > ticksBeforeKill + 1) break;
                Assert.True(DateTime.UtcNow < deadline, "the reminder did not fire after the restart");
                await Task.Delay(100);
            }
            var missed = ticks.EnumerateArray().Skip(ticksBeforeKill).Max(t => t.GetProperty("missedTicks").GetInt32());
            output.WriteLine($"after restart: {ticks.GetArrayLength()} ticks, largest missed-tick count {missed}");
            Assert.True(missed >= 2, $"a restart after ~3 s down with a 0.5 s period should report missed ticks, saw {missed}");
            await host.QuitAsync();
        }
    }
}

public sealed class SqliteCrashSafetyTests(SqliteDirectoryFixture files, ITestOutputHelper output) : CrashSafetyTests(output), IClassFixture<SqliteDirectoryFixture>
{
    protected override Task<string> NewStoreAsync() => Task.FromResult($"sqlite:{files.NewDatabase()}");
}

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCrashSafetyTests(PostgresServerFixture server, ITestOutputHelper output) : CrashSafetyTests(output)
{
    protected override Task<string> NewStoreAsync() => server.CreateDatabaseAsync();
}
