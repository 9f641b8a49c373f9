using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParkGrid.Domain.Cases;
using ParkGrid.Grains;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Cli;

/// <summary><c>parkgrid case file|show|act</c> and <c>parkgrid cases</c>.</summary>
internal static class CaseCommands
{
    /// <summary>The actions of <c>parkgrid case act</c>, and what each needs besides --actor.</summary>
    internal static readonly IReadOnlyDictionary<string, (CaseAction Action, string? Needs)> Actions = new Dictionary<string, (CaseAction, string?)>
    {
        ["start-verification"] = (CaseAction.StartVerification, null),
        ["substantiate"] = (CaseAction.Substantiate, null),
        ["mark-unfounded"] = (CaseAction.MarkUnfounded, null),
        ["assign"] = (CaseAction.Assign, "department"),
        ["start-rectification"] = (CaseAction.StartRectification, null),
        ["report-rectification"] = (CaseAction.ReportRectification, null),
        ["mark-follow-up-due"] = (CaseAction.MarkFollowUpDue, null),
        ["resolve"] = (CaseAction.Resolve, "score"),
        ["reopen"] = (CaseAction.Reopen, "reason"),
        ["pass-look-back"] = (CaseAction.PassLookBack, null),
        ["pause-clock"] = (CaseAction.PauseClock, "reason"),
        ["resume-clock"] = (CaseAction.ResumeClock, null),
        ["declare-good-faith"] = (CaseAction.DeclareGoodFaith, "reason"),
    };

    private static string DefaultActor() => Environment.UserName is { Length: > 0 } user ? $"cli:{user}" : "cli";

    public static IEnumerable<Command> Create(Cli cli)
    {
        var @case = new Command("case", "File a problem clue (问题线索) as a case, show a case, act on it");
        @case.Add(File(cli));
        @case.Add(Show(cli));
        @case.Add(Act(cli));
        yield return @case;
        yield return List(cli);
    }

    private static Command File(Cli cli)
    {
        var channel = new Option<CaseChannel>("--channel")
        {
            Description = "Where the clue came from (来源): " + string.Join(", ", Enum.GetNames<CaseChannel>()), Required = true, HelpName = "channel",
        };
        var category = new Option<CaseCategory>("--category")
        {
            Description = "What the problem is about: " + string.Join(", ", Enum.GetNames<CaseCategory>()), Required = true, HelpName = "category",
        };
        var enterprise = new Option<string>("--enterprise") { Description = "The enterprise's key, e.g. xa-0001", Required = true, HelpName = "id" };
        var park = new Option<string>("--park") { Description = "The park's key, e.g. xiangan-digital", Required = true, HelpName = "id" };
        var summary = new Option<string>("--summary") { Description = "What the reporter said" };
        var contact = new Option<string>("--contact") { Description = "How to reach the reporter (only supervisors see it; omit to stay anonymous)" };
        var actor = new Option<string>("--actor") { Description = "Who files it (default cli:<user>)", DefaultValueFactory = _ => DefaultActor() };
        var file = new Command("file", "File a clue; prints the new case's id (POST /api/clues, 201 {caseId})")
        {
            channel, category, enterprise, park, summary, contact, actor,
        };
        cli.Act(file, async ctx =>
        {
            var body = new JsonObject
            {
                ["channel"] = ctx.Get(channel).ToString(),
                ["category"] = ctx.Get(category).ToString(),
                ["enterpriseId"] = ctx.Get(enterprise),
                ["parkId"] = ctx.Get(park),
                ["summary"] = ctx.Get(summary),
                ["reporterContact"] = ctx.Get(contact),
                ["actor"] = ctx.Get(actor),
            };
            var answer = await ctx.Silo.PostAsync("api/clues", body.ToJsonString(), ctx.Cancellation);
            JsonElement result;
            string caseId;
            if (!answer.RouteMissing)
            {
                result = answer.Body ?? default;
                caseId = (answer.Body is { } b ? Output.Str(b, "caseId") ?? Output.Str(b, "id") : null)
                    ?? throw new CliException(ExitCodes.Refused, $"POST /api/clues answered {answer.Status} without a caseId.");
            }
            else
            {
                // No /api/clues on this silo: receive the clue on a new case grain directly.
                caseId = $"{ctx.Get(park)}:case-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
                var clue = new FileCase(ctx.Get(channel), ctx.Get(category), ctx.Get(enterprise)!, ctx.Get(park)!, ctx.Get(actor)!,
                    ctx.Get(summary), ReporterContact: ctx.Get(contact));
                result = await ctx.Silo.CallAsync<ICaseGrain, CaseSnapshot>(caseId, c => c.Receive(clue), ctx.Cancellation);
            }
            if (ctx.Json) ctx.Output.Json(result.ValueKind == JsonValueKind.Undefined ? JsonSerializer.SerializeToElement(new { caseId }) : result);
            else ctx.Output.Out.WriteLine(caseId);
            return ExitCodes.Success;
        });
        return file;
    }

    private static Command Show(Cli cli)
    {
        var id = new Argument<string>("id") { Description = "The case id" };
        var show = new Command("show", "Show a case: status, clocks, allowed actions and its history (GET /api/cases/{id})") { id };
        cli.Act(show, async ctx =>
        {
            var caseId = ctx.Get(id)!;
            var body = await ReadCaseAsync(ctx, caseId);
            if (ctx.Json) ctx.Output.Json(body);
            else RenderCase(ctx.Output, body, caseId);
            return ExitCodes.Success;
        });
        return show;
    }

    private static async Task<JsonElement> ReadCaseAsync(CommandContext ctx, string caseId)
    {
        var answer = await ctx.Silo.GetAsync($"api/cases/{Uri.EscapeDataString(caseId)}", ctx.Cancellation);
        return !answer.RouteMissing ? answer.Body!.Value
            : await ctx.Silo.CallAsync<ICaseGrain, CaseSnapshot>(caseId, c => c.GetSnapshot(), ctx.Cancellation);
    }

    /// <summary>A case snapshot (the record's fields flattened beside the snapshot's), then its history.</summary>
    internal static void RenderCase(Output output, JsonElement body, string caseId)
    {
        var fields = new JsonObject();
        JsonArray? history = null;
        void Take(JsonElement o)
        {
            foreach (var p in o.EnumerateObject())
            {
                if (p.NameEquals("record") && p.Value.ValueKind == JsonValueKind.Object) { Take(p.Value); continue; }
                if (p.NameEquals("history") && p.Value.ValueKind == JsonValueKind.Array) { history = (JsonArray)JsonNode.Parse(p.Value.GetRawText())!; continue; }
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0) continue;
                fields[p.Name] = JsonNode.Parse(p.Value.GetRawText());
            }
        }
        if (body.ValueKind == JsonValueKind.Object) Take(body);
        output.Record(JsonSerializer.SerializeToElement(fields), $"case {caseId}");
        if (history is not null)
            output.Table(JsonSerializer.SerializeToElement(history), ["sequence", "at", "actor", "action", "from", "to", "detail"], "history");
    }

    private static Command Act(Cli cli)
    {
        var id = new Argument<string>("id") { Description = "The case id" };
        var action = new Argument<string>("action") { Description = "One of: " + string.Join(", ", Actions.Keys), HelpName = "action" };
        action.AcceptOnlyFromAmong([.. Actions.Keys]);
        var actor = new Option<string>("--actor") { Description = "Who acts (recorded in the audit trail)", Required = true, HelpName = "who" };
        var department = new Option<string>("--department") { Description = "assign: the department (职能部门) to assign to", HelpName = "id" };
        var score = new Option<int?>("--score") { Description = "resolve (required), reopen: the enterprise's satisfaction 0-100" };
        score.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 100) r.AddError("--score must be between 0 and 100.");
        });
        var reason = new Option<string>("--reason") { Description = "reopen, pause-clock, declare-good-faith: why (required for them)" };
        var note = new Option<string>("--note") { Description = "A finding, report or note (substantiate, mark-unfounded, report-rectification, resolve, pass-look-back)" };
        var act = new Command("act", "Act on a case (POST /api/cases/{id}/actions/{action}); prints the case's new status")
        {
            id, action, actor, department, score, reason, note,
        };
        cli.Act(act, async ctx =>
        {
            var caseId = ctx.Get(id)!;
            var name = ctx.Get(action)!;
            var (caseAction, needs) = Actions[name];
            var who = ctx.Get(actor)!;
            var dept = ctx.Get(department);
            var satisfaction = ctx.Get(score);
            var why = ctx.Get(reason);
            var text = ctx.Get(note);
            var missing = needs switch
            {
                "department" when string.IsNullOrWhiteSpace(dept) => "--department",
                "score" when satisfaction is null => "--score",
                "reason" when string.IsNullOrWhiteSpace(why) => "--reason",
                _ => null,
            };
            if (missing is not null) throw CliApp.Usage($"{name} needs {missing}.", missing.TrimStart('-'));

            // The gateway reads a finding (substantiate, mark-unfounded) and a note (the others): --note is both.
            var body = new JsonObject { ["actor"] = who, ["departmentId"] = dept, ["score"] = satisfaction, ["reason"] = why, ["note"] = text, ["finding"] = text };
            var answer = await ctx.Silo.PostAsync($"api/cases/{Uri.EscapeDataString(caseId)}/actions/{name}", body.ToJsonString(), ctx.Cancellation);
            JsonElement snapshot;
            if (!answer.RouteMissing && answer.Body is { } b) snapshot = b;
            else if (!answer.RouteMissing) snapshot = await ReadCaseAsync(ctx, caseId);
            else
                snapshot = await ctx.Silo.CallAsync<ICaseGrain, CaseSnapshot>(caseId, c => caseAction switch
                {
                    CaseAction.StartVerification => c.StartVerification(who),
                    CaseAction.Substantiate => c.Substantiate(who, text),
                    CaseAction.MarkUnfounded => c.MarkUnfounded(who, text, null),
                    CaseAction.Assign => c.Assign(who, dept!),
                    CaseAction.StartRectification => c.StartRectification(who),
                    CaseAction.ReportRectification => c.ReportRectification(who, text),
                    CaseAction.MarkFollowUpDue => c.MarkFollowUpDue(who),
                    CaseAction.Resolve => c.Resolve(who, satisfaction!.Value, text),
                    CaseAction.Reopen => c.Reopen(who, why!, satisfaction),
                    CaseAction.PassLookBack => c.PassLookBack(who, text),
                    CaseAction.PauseClock => c.PauseClock(who, why!),
                    CaseAction.ResumeClock => c.ResumeClock(who),
                    CaseAction.DeclareGoodFaith => c.DeclareGoodFaith(who, why!),
                    _ => throw new InvalidOperationException($"No call for {caseAction}."),
                }, ctx.Cancellation);
            if (ctx.Json) ctx.Output.Json(snapshot);
            else
            {
                var record = Output.Get(snapshot, "record") is { ValueKind: JsonValueKind.Object } r ? r : snapshot;
                var status = Output.Str(record, "status") ?? Output.Str(snapshot, "status") ?? "?";
                var allowed = Output.Get(snapshot, "allowedActions") is { } a ? Output.Text(a) : "";
                ctx.Output.Out.WriteLine($"{caseId}: {name} done; status {status}" + (allowed.Length > 0 ? $"; allowed next: {allowed}" : ""));
            }
            return ExitCodes.Success;
        });
        return act;
    }

    private static Command List(Cli cli)
    {
        var park = new Option<string>("--park") { Description = "Only cases of this park", HelpName = "id" };
        var status = new Option<CaseStatus?>("--status")
        {
            Description = "Only cases in this status: " + string.Join(", ", Enum.GetNames<CaseStatus>()), HelpName = "status",
        };
        var overdue = new Option<bool>("--overdue") { Description = "Only cases whose active clock is breached" };
        var category = new Option<CaseCategory?>("--category")
        {
            Description = "Only cases of this category: " + string.Join(", ", Enum.GetNames<CaseCategory>()), HelpName = "category",
        };
        var enterprise = new Option<string>("--enterprise") { Description = "Only cases of this enterprise", HelpName = "id" };
        var department = new Option<string>("--department") { Description = "Only cases assigned to this department", HelpName = "id" };
        var limit = new Option<int?>("--limit") { Description = "At most this many cases (the silo's default: 500)", HelpName = "n" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0) r.AddError("--limit must be at least 1.");
        });
        var cases = new Command("cases", "List open cases, oldest first (GET /api/cases?park=&status=&overdue=true&category=&enterprise=&department=&limit=)")
        {
            park, status, overdue, category, enterprise, department, limit,
        };
        cli.Act(cases, async ctx =>
        {
            var query = new List<string>();
            if (ctx.Get(park) is { } p) query.Add("park=" + Uri.EscapeDataString(p));
            if (ctx.Get(status) is { } s) query.Add("status=" + s);
            if (ctx.Get(overdue)) query.Add("overdue=true");
            if (ctx.Get(category) is { } c) query.Add("category=" + c);
            if (ctx.Get(enterprise) is { } e) query.Add("enterprise=" + Uri.EscapeDataString(e));
            if (ctx.Get(department) is { } d) query.Add("department=" + Uri.EscapeDataString(d));
            if (ctx.Get(limit) is { } n) query.Add("limit=" + n);
            var answer = await ctx.Silo.GetAsync("api/cases" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ctx.Cancellation);
            JsonElement body;
            if (!answer.RouteMissing) body = answer.Body!.Value;
            else if (ctx.Get(park) is not { } parkId)
                throw new CliException(ExitCodes.NotFound, $"The silo at {ctx.Silo.Address} serves no GET /api/cases; name the park with --park <id>.");
            else
            {
                var filter = new CaseFilter(ctx.Get(status), ctx.Get(category), ctx.Get(enterprise), ctx.Get(department), ctx.Get(overdue), ctx.Get(limit) ?? 500);
                body = await ctx.Silo.CallAsync<IParkGrain, IReadOnlyList<CaseSummary>>(parkId, g => g.ListOpenCases(filter), ctx.Cancellation);
            }
            if (ctx.Json) ctx.Output.Json(body);
            else
            {
                var rows = body.ValueKind == JsonValueKind.Object && Output.Get(body, "cases") is { } inner ? inner : body;
                if (rows.ValueKind == JsonValueKind.Array && rows.GetArrayLength() == 0) ctx.Output.Out.WriteLine("No cases.");
                else ctx.Output.Table(rows, ["caseId", "status", "category", "channel", "enterpriseId", "parkId", "departmentId", "deadlineDate", "overdue", "escalationLevel"]);
            }
            return ExitCodes.Success;
        });
        return cases;
    }
}
