using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ParkGrid.Client;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Cli;

/// <summary>A silo's answer to a REST request that succeeded (2xx), or the news that the silo does not serve the route.</summary>
internal readonly record struct RestAnswer(int Status, JsonElement? Body, bool RouteMissing)
{
    public static RestAnswer Missing => new(404, null, true);
}

/// <summary>
/// How the CLI talks to a silo: its REST routes over HTTP, and the cluster client's typed grain proxies.
/// Given several gateways (the silos of a cluster, "--silo a,b,c"), it uses the first that answers and moves on
/// when one refuses connections (a GET also when its answer is lost). Every failure becomes a
/// <see cref="CliException"/> with the exit code it stands for.
/// </summary>
internal sealed class SiloConnection(IReadOnlyList<Uri> addresses, TimeSpan requestTimeout) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private ParkGridClient? _client;
    private int _current;

    public SiloConnection(Uri address, TimeSpan requestTimeout) : this([address], requestTimeout) { }

    /// <summary>The gateway in use.</summary>
    public Uri Address => addresses[_current];

    /// <summary>One gateway URL, or several separated by commas.</summary>
    public static IReadOnlyList<Uri> ParseAddresses(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } parts
            ? parts.Select(ParseAddress).ToList()
            : throw new CliException(ExitCodes.Usage, "--silo is empty: give a gateway URL, e.g. http://127.0.0.1:5080 (several, comma-separated, for a cluster).", "silo");

    public static Uri ParseAddress(string text)
    {
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new CliException(ExitCodes.Usage, $"--silo '{text}' is not an http(s) URL, e.g. http://127.0.0.1:5080.", "silo");
        return uri;
    }

    /// <summary>GET a route; <see cref="RestAnswer.RouteMissing"/> if this silo does not serve it.</summary>
    public Task<RestAnswer> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<RestAnswer> PostAsync(string path, string jsonBody, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, jsonBody, cancellationToken);

    public async Task<RestAnswer> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        using var response = await SendRawAsync(gateway =>
        {
            var request = new HttpRequestMessage(method, new Uri(gateway, path));
            if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
            return request;
        }, HttpCompletionOption.ResponseContentRead, timeout.Token, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return await AnswerAsync(response, text, method, path);
    }

    /// <summary>Opens a streaming GET (server-sent events); the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage?> OpenStreamAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        var response = await SendRawAsync(gateway =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, path));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }, HttpCompletionOption.ResponseHeadersRead, timeout.Token, cancellationToken);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var answer = await AnswerAsync(response, await response.Content.ReadAsStringAsync(cancellationToken), HttpMethod.Get, path);
            return answer.RouteMissing ? null : throw new CliException(ExitCodes.Refused, $"GET /{path} answered {answer.Status}.");
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(Func<Uri, HttpRequestMessage> requestTo, HttpCompletionOption completion, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < addresses.Count; attempt++)
        {
            var index = (_current + attempt) % addresses.Count;
            using var request = requestTo(addresses[index]);
            try
            {
                var response = await _http.SendAsync(request, completion, timeout);
                _current = index;
                return response;
            }
            catch (HttpRequestException e) when (GrainHttp.MaySendAgain(e, readOnly: request.Method == HttpMethod.Get))
            {
                // Never reached that silo (or only a read): the next gateway may take it.
                failures.Add($"{addresses[index]}: {e.Message.TrimEnd('.')}");
            }
            catch (HttpRequestException e)
            {
                throw new CliException(ExitCodes.SiloUnreachable,
                    $"The ParkGrid silo at {addresses[index]} stopped answering {request.Method} {request.RequestUri}; it may or may not have been done: {e.Message}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException(ExitCodes.SiloUnreachable,
                    $"The ParkGrid silo at {addresses[index]} did not answer {request.Method} {request.RequestUri} within {requestTimeout.TotalSeconds:0.#} s.");
            }
        }
        throw Unreachable(string.Join("; ", failures));
    }

    private CliException Unreachable(string why) =>
        new(ExitCodes.SiloUnreachable, $"{(addresses.Count == 1 ? $"The ParkGrid silo at {Address} is not reachable: " : "No ParkGrid silo is reachable: ")}{why.TrimEnd('.')}. Is it running (dotnet run --project src/ParkGrid.Silo), and is --silo (or PARKGRID_SILO) right?");

    private static Task<RestAnswer> AnswerAsync(HttpResponseMessage response, string text, HttpMethod method, string path)
    {
        var status = (int)response.StatusCode;
        JsonElement? body = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                body = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                if (response.IsSuccessStatusCode)
                    throw new CliException(ExitCodes.Refused, $"{method} /{path} answered {status} with a body that is not JSON: {Shorten(text)}");
            }
        }
        if (response.IsSuccessStatusCode) return Task.FromResult(new RestAnswer(status, body, false));

        string? detail = null, field = null, title = null;
        if (body is { ValueKind: JsonValueKind.Object } problem)
        {
            detail = Str(problem, "detail");
            field = Str(problem, "field");
            title = Str(problem, "title");
        }
        // A route this silo does not map answers a bare 404 (no problem detail): the caller may fall back to grain calls.
        if (response.StatusCode == HttpStatusCode.NotFound && detail is null) return Task.FromResult(RestAnswer.Missing);
        var message = detail ?? $"{method} /{path} answered {status} {response.ReasonPhrase}{(string.IsNullOrWhiteSpace(text) ? "" : ": " + Shorten(text))}";
        var code = response.StatusCode == HttpStatusCode.NotFound ? ExitCodes.NotFound : ExitCodes.Refused;
        throw new CliException(code, message, field, status, title);
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>The cluster client (connected on first use).</summary>
    public async Task<ParkGridClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is not null) return _client;
        try
        {
            _client = await ParkGridClient.ConnectAsync(addresses.Skip(_current).Concat(addresses.Take(_current)).ToList(), new ParkGridClientOptions { CallTimeout = requestTimeout, ConnectTimeout = requestTimeout }, cancellationToken);
        }
        catch (SiloUnavailableException e)
        {
            throw new CliException(ExitCodes.SiloUnreachable, e.Message);
        }
        return _client;
    }

    /// <summary>Calls a typed grain proxy and turns the client's exceptions into exit codes; the result as JSON.</summary>
    public async Task<JsonElement> CallAsync<TGrain, TResult>(string key, Func<TGrain, Task<TResult>> call, CancellationToken cancellationToken)
        where TGrain : IGrainWithStringKey
    {
        var client = await ClientAsync(cancellationToken);
        try
        {
            var result = await call(client.GetGrain<TGrain>(key));
            return JsonSerializer.SerializeToElement(result, ParkGridJson.Options);
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException)
        {
            throw FromGrainError(e);
        }
    }

    public static CliException FromGrainError(Exception e) => e switch
    {
        CliException cli => cli,
        SiloUnavailableException => new CliException(ExitCodes.SiloUnreachable, e.Message),
        GrainCallTimeoutException => new CliException(ExitCodes.SiloUnreachable, e.Message),
        KeyNotFoundException => new CliException(ExitCodes.NotFound, e.Message, status: 404),
        GrainCallException { Status: 404 } g => new CliException(ExitCodes.NotFound, e.Message, g.Field, 404),
        GrainCallException g => new CliException(ExitCodes.Refused, e.Message, g.Field, g.Status),
        ArgumentException a => new CliException(ExitCodes.Refused, e.Message, a.ParamName, 400),
        InconsistentStateException => new CliException(ExitCodes.Refused, e.Message, status: 409),
        ParkGrid.Domain.DomainRuleException => new CliException(ExitCodes.Refused, e.Message, status: 409),
        InvalidOperationException => new CliException(ExitCodes.Refused, e.Message, status: 409),
        _ => new CliException(ExitCodes.Refused, $"{e.GetType().Name}: {e.Message}"),
    };

    public void Dispose()
    {
        _client?.Dispose();
        _http.Dispose();
    }
}
