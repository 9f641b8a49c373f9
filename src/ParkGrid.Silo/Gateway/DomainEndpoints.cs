using System.Security.Cryptography;
using System.Text.Json;
using ParkGrid.Domain.Cases;
using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Silo.Gateway;

/// <summary>
/// The domain routes of the gateway (DESIGN.md §4): parks, clues, cases and their actions, the event stream.
/// Input is checked field by field before any grain is called, so a bad request writes nothing; what the
/// grains refuse (an action illegal in the case's state) comes back as a problem naming the rule.
/// </summary>
public static class DomainEndpoints
{
    private static IRegistryGrain Registry(IGrainFactory g) => g.GetGrain<IRegistryGrain>(RegistryGrain.Root);

    public static void MapDomainEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("domain");

        api.MapGet("/districts", async (IGrainFactory g) =>
        {
            var ids = await Registry(g).ListDistricts();
            var snapshots = new List<DistrictSnapshot>();
            foreach (var id in ids) snapshots.Add(await g.GetGrain<IDistrictGrain>(id).GetSnapshot());
            return Results.Ok(snapshots);
        }).WithSummary("Districts with their policy, parks, departments and escalation counts");

        api.MapGet("/districts/{id}/kpis", async (string id, IGrainFactory g) =>
            await KnownDistrict(g, id) ? Results.Ok(await g.GetGrain<IDistrictGrain>(id).GetKpis()) : Problems.NotFound($"No district '{id}'.", "id"))
            .WithSummary("KPIs of a district, rolled up from its parks");

        api.MapGet("/parks", async (IGrainFactory g) =>
        {
            var parks = new List<ParkSnapshot>();
            foreach (var district in await Registry(g).ListDistricts())
            foreach (var park in await g.GetGrain<IDistrictGrain>(district).ListParks())
                parks.Add(await g.GetGrain<IParkGrain>(park).GetSnapshot());
            return Results.Ok(parks);
        }).WithSummary("Every park with its counts of enterprises, contact points, open and overdue cases");

        api.MapGet("/parks/{id}", async (string id, IGrainFactory g) =>
        {
            var park = g.GetGrain<IParkGrain>(id);
            if ((await park.GetInfo()).DistrictId is null) return Problems.NotFound($"No park '{id}'. List them with GET /api/parks.", "id");
            return Results.Ok(new { park = await park.GetSnapshot(), kpis = await park.GetKpis() });
        }).WithSummary("One park: its snapshot and KPIs");

        api.MapGet("/parks/{id}/enterprises", async (string id, IGrainFactory g) =>
        {
            var park = g.GetGrain<IParkGrain>(id);
            if ((await park.GetInfo()).DistrictId is null) return Problems.NotFound($"No park '{id}'.", "id");
            return Results.Ok(await park.ListEnterprises());
        }).WithSummary("The enterprises of a park");

        api.MapGet("/cases", async (HttpRequest request, IGrainFactory g) =>
        {
            var q = request.Query;
            if (!TryEnum<CaseStatus>(q["status"], out var status)) return Problems.BadRequest(EnumHint<CaseStatus>("status", q["status"]), "status");
            if (!TryEnum<CaseCategory>(q["category"], out var category)) return Problems.BadRequest(EnumHint<CaseCategory>("category", q["category"]), "category");
            var overdue = q["overdue"].ToString() is "true" or "1";
            var limit = int.TryParse(q["limit"], out var l) && l > 0 ? Math.Min(l, 5000) : 500;
            var filter = new CaseFilter(status, category, NullIfEmpty(q["enterprise"]), NullIfEmpty(q["department"]), overdue, limit);
            var parks = NullIfEmpty(q["park"]) is { } one ? [one] : await AllParks(g);
            var cases = new List<CaseSummary>();
            foreach (var park in parks) cases.AddRange(await g.GetGrain<IParkGrain>(park).ListOpenCases(filter));
            return Results.Ok(cases.OrderBy(c => c.ReceivedAt).Take(limit));
        }).WithSummary("Open cases, filtered by park, status, category, enterprise, department, overdue");

        api.MapPost("/clues", FileClue).WithSummary("Files a problem clue; answers 201 with the new case id");

        api.MapGet("/cases/{id}", async (string id, IGrainFactory g) =>
        {
            try
            {
                return Results.Ok(await g.GetGrain<ICaseGrain>(id).GetSnapshot());
            }
            catch (KeyNotFoundException)
            {
                return Problems.NotFound($"No case '{id}'.", "id");
            }
        }).WithSummary("One case: status, clocks, escalations and its full history");

        api.MapPost("/cases/{id}/actions/{action}", CaseAction).WithSummary(
            "Acts on a case: start-verification, substantiate, mark-unfounded, assign, start-rectification, report-rectification, " +
            "mark-follow-up-due, resolve, reopen, pass-look-back, pause-clock, resume-clock, declare-good-faith. Body: {actor, departmentId, score, reason, note, finding}");

        api.MapGet("/events", (EventHub hub, CancellationToken ct) => TypedResults.ServerSentEvents(hub.Stream(ct)))
            .WithSummary("Server-sent events: every case change as it is stored (event 'case', JSON data)");
        api.MapGet("/events/recent", (EventHub hub) => Results.Ok(hub.Recent())).WithSummary("The latest domain events, oldest first");
    }

    private static async Task<IResult> FileClue(HttpRequest request, IGrainFactory g)
    {
        var body = await JsonBody.ReadAsync(request);
        if (body.Error is { } error) return error;
        if (!body.Enum<CaseChannel>("channel", out var channel, out error)) return error!;
        if (!body.Enum<CaseCategory>("category", out var category, out error)) return error!;
        if (!body.String("enterpriseId", required: true, out var enterpriseId, out error)) return error!;
        if (!body.String("parkId", required: false, out var parkId, out error)) return error!;
        if (!body.String("summary", required: false, out var summary, out error)) return error!;
        if (!body.String("reporterContact", required: false, out var contact, out error)) return error!;
        if (!body.String("accusedCadreId", required: false, out var accused, out error)) return error!;
        if (!body.String("actor", required: false, out var actor, out error)) return error!;

        var enterprise = await g.GetGrain<IEnterpriseGrain>(enterpriseId!).GetSnapshot();
        if (enterprise.ParkId is null) return Problems.NotFound($"No enterprise '{enterpriseId}' is registered.", "enterpriseId");
        if (parkId is not null && parkId != enterprise.ParkId)
            return Problems.BadRequest($"Enterprise '{enterpriseId}' belongs to park '{enterprise.ParkId}', not '{parkId}'.", "parkId");

        // "park:case-…": placed with its park in a cluster (see ParkGrid.Clustering.Placement).
        var caseId = $"{enterprise.ParkId}:case-{DateTime.UtcNow:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var snapshot = await g.GetGrain<ICaseGrain>(caseId).Receive(new FileCase(channel, category, enterpriseId!, enterprise.ParkId,
            actor ?? channel.ToString(), summary, accused, contact));
        return Results.Created($"/api/cases/{caseId}", new { caseId, status = snapshot.Status });
    }

    private static async Task<IResult> CaseAction(string id, string action, HttpRequest request, IGrainFactory g)
    {
        var body = await JsonBody.ReadAsync(request);
        if (body.Error is { } error) return error;
        if (!body.String("actor", required: true, out var actor, out error)) return error!;
        if (!body.String("reason", required: false, out var reason, out error)) return error!;
        if (!body.String("note", required: false, out var note, out error)) return error!;
        if (!body.String("finding", required: false, out var finding, out error)) return error!;
        if (!body.String("departmentId", required: false, out var department, out error)) return error!;
        if (!body.Int("score", 0, 100, out var score, out error)) return error!;
        var c = g.GetGrain<ICaseGrain>(id);
        Func<Task<CaseSnapshot>>? call = action switch
        {
            "start-verification" => () => c.StartVerification(actor!),
            "substantiate" => () => c.Substantiate(actor!, finding),
            "mark-unfounded" => () => c.MarkUnfounded(actor!, finding, null),
            "assign" when department is null => null,
            "assign" => () => c.Assign(actor!, department),
            "start-rectification" => () => c.StartRectification(actor!),
            "report-rectification" => () => c.ReportRectification(actor!, note),
            "mark-follow-up-due" => () => c.MarkFollowUpDue(actor!),
            "resolve" when score is null => null,
            "resolve" => () => c.Resolve(actor!, score.Value, note),
            "reopen" when reason is null => null,
            "reopen" => () => c.Reopen(actor!, reason, score),
            "pass-look-back" => () => c.PassLookBack(actor!, note),
            "pause-clock" when reason is null => null,
            "pause-clock" => () => c.PauseClock(actor!, reason),
            "resume-clock" => () => c.ResumeClock(actor!),
            "declare-good-faith" when reason is null => null,
            "declare-good-faith" => () => c.DeclareGoodFaith(actor!, reason),
            _ => () => Task.FromException<CaseSnapshot>(new UnknownActionException(action)),
        };
        if (call is null)
        {
            var field = action switch { "assign" => "departmentId", "resolve" => "score", _ => "reason" };
            return Problems.BadRequest($"'{action}' needs '{field}'.", field);
        }
        try
        {
            return Results.Ok(await call());
        }
        catch (UnknownActionException e)
        {
            return Problems.NotFound(e.Message, "action");
        }
        catch (KeyNotFoundException e)
        {
            return Problems.NotFound(e.Message, "id");
        }
        catch (Exception e)
        {
            return Problems.FromException(e);
        }
    }

    private sealed class UnknownActionException(string action) : Exception(
        $"Unknown case action '{action}'. Actions: start-verification, substantiate, mark-unfounded, assign, start-rectification, report-rectification, " +
        "mark-follow-up-due, resolve, reopen, pass-look-back, pause-clock, resume-clock, declare-good-faith.");

    private static async Task<bool> KnownDistrict(IGrainFactory g, string id) => (await Registry(g).ListDistricts()).Contains(id);

    private static async Task<List<string>> AllParks(IGrainFactory g)
    {
        var parks = new List<string>();
        foreach (var district in await Registry(g).ListDistricts()) parks.AddRange(await g.GetGrain<IDistrictGrain>(district).ListParks());
        return parks;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool TryEnum<T>(string? text, out T? value) where T : struct, Enum
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _)) value = parsed;
        return value is not null;
    }

    internal static string EnumHint<T>(string field, string? given) where T : struct, Enum =>
        $"'{given}' is not a valid {field}. Valid: {string.Join(", ", Enum.GetNames<T>())}.";

    /// <summary>A JSON object body read once, with typed field access that produces problems naming the field.</summary>
    private sealed class JsonBody
    {
        private JsonElement _root;
        public IResult? Error { get; private init; }

        public static async Task<JsonBody> ReadAsync(HttpRequest request)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    return new JsonBody { Error = Problems.BadRequest("The body must be a JSON object.", "body") };
                return new JsonBody { _root = doc.RootElement.Clone() };
            }
            catch (JsonException e)
            {
                return new JsonBody { Error = Problems.BadRequest($"The body is not valid JSON: {e.Message}", "body") };
            }
        }

        private bool Get(string field, out JsonElement value)
        {
            foreach (var p in _root.EnumerateObject())
                if (string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind != JsonValueKind.Null)
                {
                    value = p.Value;
                    return true;
                }
            value = default;
            return false;
        }

        public bool String(string field, bool required, out string? value, out IResult? error)
        {
            value = null;
            error = null;
            if (!Get(field, out var e))
            {
                if (required) error = Problems.BadRequest($"'{field}' is required.", field);
                return !required;
            }
            if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
            {
                error = Problems.BadRequest($"'{field}' must be a non-empty string.", field);
                return false;
            }
            value = e.GetString();
            return true;
        }

        public bool Enum<T>(string field, out T value, out IResult? error) where T : struct, Enum
        {
            value = default;
            error = null;
            if (!String(field, required: true, out var text, out error)) return false;
            if (!TryEnum<T>(text, out var parsed) || parsed is null)
            {
                error = Problems.BadRequest(EnumHint<T>(field, text), field);
                return false;
            }
            value = parsed.Value;
            return true;
        }

        public bool Int(string field, int min, int max, out int? value, out IResult? error)
        {
            value = null;
            error = null;
            if (!Get(field, out var e)) return true;
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var n) || n < min || n > max)
            {
                error = Problems.BadRequest($"'{field}' must be a whole number from {min} to {max}.", field);
                return false;
            }
            value = n;
            return true;
        }
    }
}
