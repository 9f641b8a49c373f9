using System.CommandLine;
using System.Text.Json;
using ParkGrid.Grains;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Cli;

/// <summary><c>parkgrid parks</c> and <c>parkgrid park &lt;id&gt;</c>.</summary>
internal static class ParkCommands
{
    public static IEnumerable<Command> Create(Cli cli)
    {
        var district = new Option<string>("--district")
        {
            Description = "Only the parks of this district (asks the district grain)",
            HelpName = "id",
        };
        var parks = new Command("parks", "List the parks (GET /api/parks)") { district };
        cli.Act(parks, async ctx =>
        {
            JsonElement body;
            var districtId = ctx.Get(district);
            var answer = districtId is null ? await ctx.Silo.GetAsync("api/parks", ctx.Cancellation) : RestAnswer.Missing;
            if (!answer.RouteMissing) body = answer.Body!.Value;
            else
            {
                // No GET /api/parks on this silo: the registry grain lists the districts, each district its parks.
                List<string> districts = districtId is not null ? [districtId]
                    : (await ctx.Silo.CallAsync<IRegistryGrain, IReadOnlyList<string>>("root", r => r.ListDistricts(), ctx.Cancellation))
                        .EnumerateArray().Select(d => d.GetString()!).ToList();
                var snapshots = new List<JsonElement>();
                foreach (var d in districts)
                {
                    var ids = await ctx.Silo.CallAsync<IDistrictGrain, IReadOnlyList<string>>(d, g => g.ListParks(), ctx.Cancellation);
                    foreach (var id in ids.EnumerateArray().Select(i => i.GetString()!))
                        snapshots.Add(await ctx.Silo.CallAsync<IParkGrain, ParkSnapshot>(id, p => p.GetSnapshot(), ctx.Cancellation));
                }
                body = JsonSerializer.SerializeToElement(snapshots, ParkGridJson.Options);
            }
            if (ctx.Json) ctx.Output.Json(body);
            else
            {
                var rows = body.ValueKind == JsonValueKind.Object && Output.Get(body, "parks") is { } inner ? inner : body;
                if (rows.ValueKind == JsonValueKind.Array && rows.GetArrayLength() == 0) ctx.Output.Out.WriteLine("No parks.");
                else ctx.Output.Table(rows, ScalarColumns(rows));
            }
            return ExitCodes.Success;
        });
        yield return parks;

        var id = new Argument<string>("id") { Description = "The park's key, e.g. xiangan-digital" };
        var park = new Command("park", "Show a park: enterprises, contact points, open and overdue cases by status and category (GET /api/parks/{id})") { id };
        cli.Act(park, async ctx =>
        {
            var parkId = ctx.Get(id)!;
            var answer = await ctx.Silo.GetAsync($"api/parks/{Uri.EscapeDataString(parkId)}", ctx.Cancellation);
            JsonElement body;
            if (!answer.RouteMissing) body = answer.Body!.Value;
            else
            {
                var info = await ctx.Silo.CallAsync<IParkGrain, ParkInfo>(parkId, p => p.GetInfo(), ctx.Cancellation);
                if (Output.Str(info, "districtId") is null) // a park no district has added is not there
                    throw new CliException(ExitCodes.NotFound, $"Park '{parkId}' does not exist (no district has added it).", "id", 404);
                body = await ctx.Silo.CallAsync<IParkGrain, ParkSnapshot>(parkId, p => p.GetSnapshot(), ctx.Cancellation);
            }
            if (ctx.Json) ctx.Output.Json(body);
            else if (Output.Get(body, "park") is { ValueKind: JsonValueKind.Object } snapshot)
            {
                // GET /api/parks/{id} answers {park, kpis}
                ctx.Output.Record(snapshot, $"park {parkId}");
                if (Output.Get(body, "kpis") is { ValueKind: JsonValueKind.Object } kpis) ctx.Output.Record(kpis, "KPIs");
            }
            else ctx.Output.Record(body, $"park {parkId}");
            return ExitCodes.Success;
        });
        yield return park;
    }

    /// <summary>The scalar-ish columns of a list (nested lists of objects are left to <c>park &lt;id&gt;</c>).</summary>
    internal static List<string> ScalarColumns(JsonElement rows) =>
        rows.ValueKind != JsonValueKind.Array ? [] :
        rows.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)
            .SelectMany(r => r.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().All(Output.IsScalar)).Select(p => p.Name))
            .Distinct(StringComparer.Ordinal).ToList();
}
