using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace ParkGrid.Cli;

/// <summary><c>parkgrid watch</c>: follows the silo's server-sent events (GET /api/events), one line per event.</summary>
internal static class WatchCommand
{
    public static Command Create(Cli cli)
    {
        var count = new Option<int?>("--count") { Description = "Exit 0 after this many events (default: until Ctrl-C)", HelpName = "n" };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0) r.AddError("--count must be at least 1.");
        });
        var park = new Option<string>("--park") { Description = "Only events of cases of this park", HelpName = "id" };
        var watch = new Command("watch", "Follow the live feed of case changes (GET /api/events, server-sent events) until Ctrl-C or --count events")
        {
            count, park,
        };
        cli.Act(watch, async ctx =>
        {
            var limit = ctx.Get(count);
            var parkId = ctx.Get(park);
            using var response = await ctx.Silo.OpenStreamAsync("api/events", ctx.Cancellation)
                ?? throw new CliException(ExitCodes.NotFound, $"The silo at {ctx.Silo.Address} serves no event stream (GET /api/events).");
            var seen = 0;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ctx.Cancellation);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                string? eventName = null;
                var data = new StringBuilder();
                while (await reader.ReadLineAsync(ctx.Cancellation) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (data.Length > 0 && Print(ctx, eventName ?? "message", data.ToString(), parkId) && limit is { } n && ++seen >= n)
                            return ExitCodes.Success;
                        eventName = null;
                        data.Clear();
                    }
                    else if (line.StartsWith(':')) { } // a comment (keep-alive)
                    else if (line.StartsWith("event:", StringComparison.Ordinal)) eventName = line[6..].Trim();
                    else if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        if (data.Length > 0) data.Append('\n');
                        data.Append(line.AsSpan(5).TrimStart(' '));
                    }
                }
            }
            catch (Exception) when (ctx.Cancellation.IsCancellationRequested)
            {
                return ExitCodes.Success; // Ctrl-C: the normal way to stop watching (the read may fail as cancelled or as an aborted connection)
            }
            catch (IOException e)
            {
                throw new CliException(ExitCodes.SiloUnreachable, $"The event stream of {ctx.Silo.Address} broke off: {e.Message}");
            }
            catch (HttpRequestException e)
            {
                throw new CliException(ExitCodes.SiloUnreachable, $"The event stream of {ctx.Silo.Address} broke off: {e.Message}");
            }
            if (ctx.Cancellation.IsCancellationRequested) return ExitCodes.Success;
            throw new CliException(ExitCodes.SiloUnreachable, $"The silo at {ctx.Silo.Address} closed the event stream after {seen} event(s).");
        });
        return watch;
    }

    /// <summary>Prints one event; false if it was filtered out.</summary>
    private static bool Print(CommandContext ctx, string eventName, string data, string? parkId)
    {
        if (eventName == "connected") return false; // the stream's greeting, not an event
        JsonElement json;
        try
        {
            using var doc = JsonDocument.Parse(data);
            json = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            if (parkId is not null) return false;
            ctx.Output.Out.WriteLine($"{eventName}: {data}");
            ctx.Output.Out.Flush();
            return true;
        }
        var @case = Output.Get(json, "case") is { ValueKind: JsonValueKind.Object } c ? c : default;
        var caseId = @case.ValueKind == JsonValueKind.Object ? Output.Str(@case, "caseId") : Output.Str(json, "caseId");
        var casePark = @case.ValueKind == JsonValueKind.Object ? Output.Str(@case, "parkId") : Output.Str(json, "parkId");
        if (parkId is not null && !string.Equals(parkId, casePark, StringComparison.Ordinal)) return false;
        if (ctx.Json)
            ctx.Output.Out.WriteLine(Output.Compact(json));
        else
        {
            var line = new StringBuilder();
            line.Append(Output.Str(json, "at") ?? DateTimeOffset.UtcNow.ToString("O")).Append(' ').Append(eventName);
            if (caseId is not null) line.Append(' ').Append(caseId);
            if (casePark is not null) line.Append(" [").Append(casePark).Append(']');
            if (Output.Str(json, "action") is { } action) line.Append(' ').Append(action);
            var from = Output.Str(json, "from");
            var to = Output.Str(json, "to");
            if (to is not null) line.Append(' ').Append(from is null ? "" : from + " -> ").Append(to);
            if (Output.Str(json, "actor") is { } actor) line.Append(" by ").Append(actor);
            if (Output.Str(json, "detail") is { Length: > 0 } detail) line.Append(": ").Append(detail);
            if (caseId is null && Output.Str(json, "action") is null) line.Append(' ').Append(Output.Compact(json));
            ctx.Output.Out.WriteLine(line.ToString());
        }
        ctx.Output.Out.Flush();
        return true;
    }
}
