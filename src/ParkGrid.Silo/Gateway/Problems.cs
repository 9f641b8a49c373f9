using Microsoft.AspNetCore.Diagnostics;
using ParkGrid.Domain;
using ParkGrid.Client;
using ParkGrid.Runtime;

namespace ParkGrid.Silo.Gateway;

/// <summary>
/// Problem-details answers (RFC 9457). Every error names what was wrong ("field" for bad input) and the
/// exception type, which the cluster client uses to throw the same kind of exception on its side.
/// </summary>
public static class Problems
{
    public static IResult BadRequest(string detail, string field) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail, field);
    public static IResult NotFound(string detail, string field) => Problem(StatusCodes.Status404NotFound, "Not found", detail, field);

    public static IResult Problem(int status, string title, string detail, string? field = null, string? exceptionType = null, IDictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (field is not null) extensions["field"] = field;
        if (exceptionType is not null) extensions["exceptionType"] = exceptionType;
        if (more is not null) foreach (var (k, v) in more) extensions[k] = v;
        return Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    /// <summary>What a grain's exception becomes on the wire.</summary>
    public static IResult FromException(Exception e)
    {
        var type = e.GetType().FullName!;
        // The base types let a receiver without the exact type recreate the nearest one it has (a CaseRuleException
        // becomes a DomainRuleException), so an error keeps its kind across a forwarded call.
        var baseTypes = new List<string>();
        for (var t = e.GetType().BaseType; t is not null && t != typeof(Exception) && t != typeof(object); t = t.BaseType) baseTypes.Add(t.FullName!);
        var more = new Dictionary<string, object?> { ["exceptionBaseTypes"] = baseTypes };
        return e switch
        {
            GrainNotHereException => Problem(StatusCodes.Status421MisdirectedRequest, "Grain not placed here", e.Message, exceptionType: type, more: more),
            GrainCallException remote => Problem(remote.Status, "Grain call failed", e.Message, remote.Field, remote.ExceptionType),
            SiloUnavailableException => Problem(StatusCodes.Status502BadGateway, "Silo unavailable", e.Message, exceptionType: type),
            GrainCallTimeoutException => Problem(StatusCodes.Status504GatewayTimeout, "Grain call timed out", e.Message, exceptionType: type, more: more),
            InconsistentStateException ise => Problem(StatusCodes.Status409Conflict, "State changed meanwhile", e.Message, exceptionType: type,
                more: new Dictionary<string, object?>(more) { ["storedVersion"] = ise.StoredVersion, ["expectedVersion"] = ise.ExpectedVersion }),
            DomainRuleException => Problem(StatusCodes.Status409Conflict, "Rule violated", e.Message, exceptionType: type, more: more),
            KeyNotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message, exceptionType: type, more: more),
            ArgumentException ae => Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message, field: ae.ParamName, exceptionType: type, more: more),
            FormatException => Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message, exceptionType: type, more: more),
            InvalidOperationException => Problem(StatusCodes.Status409Conflict, "Not allowed now", e.Message, exceptionType: type, more: more),
            GrainActivationException => Problem(StatusCodes.Status503ServiceUnavailable, "Grain could not be activated", e.Message, exceptionType: type, more: more),
            BadHttpRequestException bad => Problem(bad.StatusCode, "Bad request", e.Message, exceptionType: type, more: more),
            _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", e.Message, exceptionType: type, more: more),
        };
    }

    /// <summary>Turns unhandled exceptions of endpoints into problem details (instead of an empty 500).</summary>
    public static void UseGrainExceptionAnswers(this WebApplication app) =>
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (error is null) return;
            await FromException(error).ExecuteAsync(context);
        }));
}
