using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Client;

/// <summary>
/// How a grain call travels over HTTP: POST api/grains/{type}/{key}/{method} with the arguments as a JSON array;
/// the result as JSON, or problem details naming the exception type (and its base types). Used by the cluster
/// client and by silos forwarding calls to each other.
/// </summary>
public static class GrainHttp
{
    /// <summary>Set on a call one silo forwards to another: the receiver runs it itself or answers 421, never forwards it again.</summary>
    public const string ForwardedHeader = "X-ParkGrid-Forwarded";

    /// <summary>
    /// Whether a request that failed this way may be sent again, to the same or another silo: it never reached a silo
    /// (the connection was refused), or it only reads. Anything else may have happened and must not be repeated blindly.
    /// </summary>
    public static bool MaySendAgain(HttpRequestException error, bool readOnly) =>
        error.HttpRequestError == HttpRequestError.ConnectionError || readOnly;

    public static string PathOf(GrainId grainId, GrainMethod method) =>
        $"api/grains/{Uri.EscapeDataString(grainId.Type)}/{Uri.EscapeDataString(grainId.Key)}/{Uri.EscapeDataString(method.Name)}";

    /// <summary>A buffered body with a Content-Length: JsonContent would stream it chunked, which costs the gateway ~15%.</summary>
    public static HttpContent BodyOf(GrainRequest request)
    {
        var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request.GetArguments(), ParkGridJson.Options));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return body;
    }

    public static async Task<TResult> ReadResultAsync<TResult>(HttpResponseMessage response, bool isVoid) =>
        isVoid ? default! : (await response.Content.ReadFromJsonAsync<TResult>(ParkGridJson.Options))!;

    /// <summary>The exception a failed call's problem details describe, recreated as its own type where that type is loaded here.</summary>
    public static async Task<Exception> ErrorFromAsync(HttpResponseMessage response, GrainId grainId, GrainMethod method)
    {
        string? detail = null, field = null;
        var types = new List<string>();
        long stored = 0, expected = 0;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = problem.RootElement;
            if (root.TryGetProperty("exceptionType", out var t) && t.GetString() is { } type) types.Add(type);
            if (root.TryGetProperty("exceptionBaseTypes", out var b) && b.ValueKind == JsonValueKind.Array)
                types.AddRange(b.EnumerateArray().Select(e => e.GetString()).OfType<string>());
            detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            field = root.TryGetProperty("field", out var f) ? f.GetString() : null;
            if (root.TryGetProperty("storedVersion", out var s)) stored = s.GetInt64();
            if (root.TryGetProperty("expectedVersion", out var x)) expected = x.GetInt64();
        }
        catch (JsonException) { }
        var message = detail ?? $"{grainId} {method} failed with {(int)response.StatusCode} {response.ReasonPhrase}.";
        foreach (var type in types)
            if (Recreate(type, message, field, stored, expected) is { } recreated) return recreated;
        return new GrainCallException(types.FirstOrDefault(), (int)response.StatusCode, field, message);
    }

    private static readonly ConcurrentDictionary<string, ConstructorInfo?> s_messageConstructors = new(StringComparer.Ordinal);

    private static Exception? Recreate(string typeName, string message, string? field, long stored, long expected)
    {
        switch (typeName)
        {
            case "System.ArgumentException" or "System.ArgumentOutOfRangeException" or "System.ArgumentNullException":
                return new ArgumentException(message, field);
            case "ParkGrid.Runtime.InconsistentStateException":
                return new InconsistentStateException(message, stored, expected);
            case "ParkGrid.Client.SiloUnavailableException":
                // A silo forwarded the call to one that died meanwhile: for the caller too, it may or may not have happened.
                return new SiloUnavailableException(message);
            case "ParkGrid.Client.GrainCallException" or "System.Exception":
                return null;
        }
        // Any other exception type loaded in this process with a (string message) constructor: the domain's rule
        // exceptions, the runtime's timeouts, .NET's InvalidOperationException, KeyNotFoundException …
        var constructor = s_messageConstructors.GetOrAdd(typeName, static name =>
        {
            var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name, throwOnError: false)).FirstOrDefault(t => t is not null);
            return type is not null && typeof(Exception).IsAssignableFrom(type) && !type.IsAbstract ? type.GetConstructor([typeof(string)]) : null;
        });
        return constructor?.Invoke([message]) as Exception;
    }
}
