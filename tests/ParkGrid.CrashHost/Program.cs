using System.Text.Json;
using NodaTime;
using ParkGrid.CrashHost;
using ParkGrid.Persistence.AdoNet;
using ParkGrid.Runtime.Hosting;
using ParkGrid.Runtime.Json;

// Protocol, one command per line on stdin, answers on stdout:
//   append <key> <n>        → "ack <key> <n>" once the change is durable (commands run concurrently)
//   remind <key> <ms>       → "reminding <key>"
//   read <key>              → "state <key> <json>"
//   quit                    → stops the host gracefully
// Usage: ParkGrid.CrashHost <store spec>   (a SQLite path or a PostgreSQL connection string)

var spec = args.Length > 0 ? args[0] : throw new ArgumentException("usage: ParkGrid.CrashHost <store spec>");
await using var store = await AdoNetStore.OpenAsync(spec);
await using var host = new GrainHostBuilder()
    .AddGrain<ILedgerGrain, LedgerGrain>()
    .UseStorage(store.GrainStorage)
    .UseReminderTable(store.ReminderTable)
    .BuildLive();
await host.StartAsync();

var output = Console.Out;
var writeLock = new object();
void Say(string line)
{
    lock (writeLock)
    {
        output.WriteLine(line);
        output.Flush();
    }
}

Say($"ready {store.Describe()}");
var pending = new List<Task>();
string? line;
while ((line = Console.ReadLine()) is not null)
{
    var parts = line.Split(' ', 3);
    var key = parts.Length > 1 ? parts[1] : "";
    var grain = host.GrainFactory.GetGrain<ILedgerGrain>(key);
    switch (parts[0])
    {
        case "append":
            var n = int.Parse(parts[2]);
            pending.Add(grain.Append(n).ContinueWith(t => Say(t.IsCompletedSuccessfully ? $"ack {key} {n}" : $"error {key} {n} {t.Exception!.InnerException!.Message}")));
            break;
        case "remind":
            await grain.Remind(Duration.FromMilliseconds(int.Parse(parts[2])));
            Say($"reminding {key}");
            break;
        case "read":
            Say($"state {key} {JsonSerializer.Serialize(await grain.Read(), ParkGridJson.Options)}");
            break;
        case "quit":
            await Task.WhenAll(pending);
            await host.StopAsync();
            Say("bye");
            return 0;
        default:
            Say($"error unknown command '{line}'");
            break;
    }
}
return 0;
