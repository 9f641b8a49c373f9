using System.CommandLine;
using System.Text.Json;

namespace ParkGrid.Cli;

/// <summary><c>parkgrid grains</c> and <c>parkgrid call</c>: the generic grain gateway.</summary>
internal static class GrainCommands
{
    public static IEnumerable<Command> Create(Cli cli)
    {
        var grains = new Command("grains", "List the grain types this silo hosts and their methods (GET /api/grains)");
        cli.Act(grains, async ctx =>
        {
            var answer = await ctx.Silo.GetAsync("api/grains", ctx.Cancellation);
            if (answer.RouteMissing) throw new CliException(ExitCodes.NotFound, $"The silo at {ctx.Silo.Address} serves no /api/grains.");
            var body = answer.Body!.Value;
            if (ctx.Json) ctx.Output.Json(body);
            else ctx.Output.Table(body, ["grainType", "interface", "methods"]);
            return ExitCodes.Success;
        });
        yield return grains;

        var grainType = new Argument<string>("grainType") { Description = "The grain type, e.g. park, case, district (see parkgrid grains)" };
        var key = new Argument<string>("key") { Description = "The grain's key, e.g. xiangan-digital" };
        var method = new Argument<string>("method") { Description = "The method, e.g. GetSnapshot" };
        var args = new Argument<string>("json-args")
        {
            Description = "The arguments as a JSON array (or an object keyed by parameter name); '-' reads them from standard input; default []",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "[]",
        };
        args.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>();
            if (text != "-" && CheckArguments(text ?? "[]") is { } error) r.AddError(error);
        });
        var call = new Command("call", "Call any grain method through the gateway (POST /api/grains/{grainType}/{key}/{method}) and print its JSON result")
        {
            grainType, key, method, args,
        };
        cli.Act(call, async ctx =>
        {
            var path = $"api/grains/{Uri.EscapeDataString(ctx.Get(grainType)!)}/{Uri.EscapeDataString(ctx.Get(key)!)}/{Uri.EscapeDataString(ctx.Get(method)!)}";
            var json = ctx.Get(args) ?? "[]";
            if (json == "-")
            {
                json = await ctx.Output.In.ReadToEndAsync(ctx.Cancellation);
                if (string.IsNullOrWhiteSpace(json)) json = "[]";
                if (CheckArguments(json) is { } error) throw CliApp.Usage(error + " (read from standard input)", "json-args");
            }
            var answer = await ctx.Silo.PostAsync(path, json, ctx.Cancellation);
            if (answer.RouteMissing) throw new CliException(ExitCodes.NotFound, $"The silo at {ctx.Silo.Address} serves no /api/grains route.");
            if (answer.Body is { } body) ctx.Output.Json(body);
            return ExitCodes.Success;
        });
        yield return call;
    }

    /// <summary>Why the text is not a JSON array or object of arguments, or null if it is one.</summary>
    private static string? CheckArguments(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? null
                : "json-args must be a JSON array or object, e.g. '[\"actor\"]'.";
        }
        catch (JsonException e)
        {
            return $"json-args is not valid JSON: {e.Message}";
        }
    }
}
