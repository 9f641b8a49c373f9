using Microsoft.AspNetCore.Diagnostics;
using ParkGrid.Domain;
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
        return e switch
        {
            GrainCallTimeoutException => Problem(StatusCodes.Status504GatewayTimeout, "Grain call timed out", e.Message, exceptionType: type),
            InconsistentStateException ise => Problem(StatusCodes.Status409Conflict, "State changed meanwhile", e.Message, exceptionType: type,
                more: new Dictionary<string, object?> { ["storedVersion"] = ise.StoredVersion, ["expectedVersion"] = ise.ExpectedVersion }),
            DomainRuleException => Problem(StatusCodes.Status409Conflict, "Rule violated", e.Message, exceptionType: type),
            KeyNotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message, exceptionType: type),
            ArgumentException ae => Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message, field: ae.ParamName, exceptionType: type),
            FormatException => Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message, exceptionType: type),
            InvalidOperationException => Problem(StatusCodes.Status409Conflict, "Not allowed now", e.Message, exceptionType: type),
            GrainActivationException => Problem(StatusCodes.Status503ServiceUnavailable, "Grain could not be activated", e.Message, exceptionType: type),
            BadHttpRequestException bad => Problem(bad.StatusCode, "Bad request", e.Message, exceptionType: type),
            _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", e.Message, exceptionType: type),
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
