using System.Net.Http.Json;
using System.Text.Json;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Client;

/// <summary>Settings of a <see cref="ParkGridClient"/>.</summary>
public sealed class ParkGridClientOptions
{
    /// <summary>A call not answered within this fails with <see cref="GrainCallTimeoutException"/> (default 30 s, the runtime's).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="ParkGridClient.ConnectAsync"/> waits for the silo's health check.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Use this handler instead of a new one (tests, proxies, certificates).</summary>
    public HttpMessageHandler? Handler { get; set; }
}

/// <summary>
/// The cluster client. <c>await ParkGridClient.ConnectAsync(uri)</c>, then
/// <c>client.GetGrain&lt;IParkGrain&gt;("xiangan-digital").GetSnapshot()</c>: the same grain interfaces the silo
/// implements, carried over its HTTP gateway. Errors come back as the grain's exception type where it is
/// a runtime or .NET type (ArgumentException, InvalidOperationException, GrainCallTimeoutException …),
/// otherwise as <see cref="GrainCallException"/> naming the type.
/// </summary>
public sealed class ParkGridClient : IGrainFactory, IGrainCallInvoker, IDisposable
{
    private readonly HttpClient _http;

    private ParkGridClient(HttpClient http, Uri gateway)
    {
        _http = http;
        Gateway = gateway;
    }

    public Uri Gateway { get; }

    /// <summary>Connects to a silo (checking GET /health) and returns a client; throws <see cref="SiloUnavailableException"/> if it does not answer.</summary>
    public static async Task<ParkGridClient> ConnectAsync(Uri gateway, ParkGridClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ParkGridClientOptions();
        var http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        http.BaseAddress = gateway;
        http.Timeout = options.CallTimeout;
        var client = new ParkGridClient(http, gateway);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            using var health = await http.GetAsync("health", timeout.Token);
            if (!health.IsSuccessStatusCode)
                throw new SiloUnavailableException($"The ParkGrid silo at {gateway} answered its health check with {(int)health.StatusCode} {health.ReasonPhrase}.");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new SiloUnavailableException($"The ParkGrid silo at {gateway} is not reachable: {e.Message} Is it running (dotnet run --project src/ParkGrid.Silo)?", e);
        }
        return client;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        GrainProxies.Create<TGrainInterface>(key, this);

    public async Task InvokeAsync(GrainReference target, GrainRequest request)
    {
        using var response = await SendAsync(target, request);
    }

    public async Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest request)
    {
        using var response = await SendAsync(target, request);
        return (await response.Content.ReadFromJsonAsync<TResult>(ParkGridJson.Options))!;
    }

    private async Task<HttpResponseMessage> SendAsync(GrainReference target, GrainRequest request)
    {
        var path = $"api/grains/{Uri.EscapeDataString(target.GrainId.Type)}/{Uri.EscapeDataString(target.GrainId.Key)}/{Uri.EscapeDataString(request.Method.Name)}";
        HttpResponseMessage response;
        try
        {
            // A buffered body with a Content-Length: JsonContent would stream it chunked, which costs the gateway ~15%.
            var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request.GetArguments(), ParkGridJson.Options));
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            response = await _http.PostAsync(path, body);
        }
        catch (TaskCanceledException e)
        {
            throw new GrainCallTimeoutException($"{target.GrainId} {request.Method} got no answer from {Gateway} within {_http.Timeout.TotalSeconds} s. {e.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new SiloUnavailableException($"The ParkGrid silo at {Gateway} is not reachable for {target.GrainId} {request.Method}: {e.Message}", e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ErrorFromAsync(response, target, request);
    }

    private static async Task<Exception> ErrorFromAsync(HttpResponseMessage response, GrainReference target, GrainRequest request)
    {
        string? type = null, detail = null, field = null;
        long stored = 0, expected = 0;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = problem.RootElement;
            type = root.TryGetProperty("exceptionType", out var t) ? t.GetString() : null;
            detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            field = root.TryGetProperty("field", out var f) ? f.GetString() : null;
            if (root.TryGetProperty("storedVersion", out var s)) stored = s.GetInt64();
            if (root.TryGetProperty("expectedVersion", out var x)) expected = x.GetInt64();
        }
        catch (JsonException) { }
        var message = detail ?? $"{target.GrainId} {request.Method} failed with {(int)response.StatusCode} {response.ReasonPhrase}.";
        return type switch
        {
            "ParkGrid.Runtime.GrainCallTimeoutException" => new GrainCallTimeoutException(message),
            "ParkGrid.Runtime.InconsistentStateException" => new InconsistentStateException(message, stored, expected),
            "System.ArgumentException" or "System.ArgumentOutOfRangeException" or "System.ArgumentNullException" => new ArgumentException(message, field),
            "System.InvalidOperationException" => new InvalidOperationException(message),
            "System.Collections.Generic.KeyNotFoundException" => new KeyNotFoundException(message),
            _ => new GrainCallException(type, (int)response.StatusCode, field, message),
        };
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A grain call failed on the silo with an exception the client does not recreate, or the gateway refused it.</summary>
public sealed class GrainCallException(string? exceptionType, int status, string? field, string message) : Exception(message)
{
    /// <summary>The full name of the exception type thrown on the silo, if a grain threw.</summary>
    public string? ExceptionType { get; } = exceptionType;
    public int Status { get; } = status;
    /// <summary>The argument or field the gateway named as wrong, if any.</summary>
    public string? Field { get; } = field;
}

/// <summary>The silo cannot be reached.</summary>
public sealed class SiloUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
