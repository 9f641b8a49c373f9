using ParkGrid.Runtime;

namespace ParkGrid.Client;

/// <summary>Settings of a <see cref="ParkGridClient"/>.</summary>
public sealed class ParkGridClientOptions
{
    /// <summary>A call not answered within this fails with <see cref="GrainCallTimeoutException"/> (default 30 s, the runtime's).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="ParkGridClient.ConnectAsync(Uri, ParkGridClientOptions?, CancellationToken)"/> waits for a silo's health check.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Use this handler instead of a new one (tests, proxies, certificates).</summary>
    public HttpMessageHandler? Handler { get; set; }
}

/// <summary>
/// The cluster client. <c>await ParkGridClient.ConnectAsync(uri)</c>, then
/// <c>client.GetGrain&lt;IParkGrain&gt;("xiangan-digital").GetSnapshot()</c>: the same grain interfaces the silo
/// implements, carried over its HTTP gateway. Errors come back as the grain's exception type where that type is
/// loaded in the client (ArgumentException, InvalidOperationException, GrainCallTimeoutException, the domain's rule
/// exceptions …), otherwise as <see cref="GrainCallException"/> naming the type.
/// Given several gateways (the silos of a cluster), it calls the first that answers and moves on to the next when
/// one stops answering: a call that never reached a silo is sent again elsewhere; a read-only call is also sent
/// again when its answer was lost; any other call whose answer was lost fails with <see cref="SiloUnavailableException"/>,
/// because it may have happened.
/// </summary>
public sealed class ParkGridClient : IGrainFactory, IGrainCallInvoker, IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri[] _gateways;
    private int _current;

    private ParkGridClient(HttpClient http, Uri[] gateways)
    {
        _http = http;
        _gateways = gateways;
    }

    /// <summary>The gateway calls go to now.</summary>
    public Uri Gateway => _gateways[Volatile.Read(ref _current)];

    /// <summary>Every gateway this client knows.</summary>
    public IReadOnlyList<Uri> Gateways => _gateways;

    /// <summary>Connects to a silo (checking GET /health) and returns a client; throws <see cref="SiloUnavailableException"/> if it does not answer.</summary>
    public static Task<ParkGridClient> ConnectAsync(Uri gateway, ParkGridClientOptions? options = null, CancellationToken cancellationToken = default) =>
        ConnectAsync([gateway], options, cancellationToken);

    /// <summary>Connects to the first of the gateways that passes its health check; throws <see cref="SiloUnavailableException"/> if none does.</summary>
    public static async Task<ParkGridClient> ConnectAsync(IReadOnlyList<Uri> gateways, ParkGridClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        if (gateways.Count == 0) throw new ArgumentException("Name at least one gateway.", nameof(gateways));
        options ??= new ParkGridClientOptions();
        var http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        http.Timeout = options.CallTimeout;
        var normalized = gateways.Select(g => g.AbsoluteUri.EndsWith('/') ? g : new Uri(g.AbsoluteUri + "/")).ToArray();
        var client = new ParkGridClient(http, normalized);
        var failures = new List<string>();
        for (var i = 0; i < normalized.Length; i++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.ConnectTimeout);
                using var health = await http.GetAsync(new Uri(normalized[i], "health"), timeout.Token);
                if (health.IsSuccessStatusCode)
                {
                    client._current = i;
                    return client;
                }
                failures.Add($"{normalized[i]} answered its health check with {(int)health.StatusCode} {health.ReasonPhrase}");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{normalized[i]} is not reachable: {e.Message}");
            }
        }
        client.Dispose();
        throw new SiloUnavailableException($"No ParkGrid silo answered: {string.Join("; ", failures)}. Is it running (dotnet run --project src/ParkGrid.Silo)?");
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
        return await GrainHttp.ReadResultAsync<TResult>(response, isVoid: false);
    }

    private async Task<HttpResponseMessage> SendAsync(GrainReference target, GrainRequest request)
    {
        var path = GrainHttp.PathOf(target.GrainId, request.Method);
        var first = Volatile.Read(ref _current);
        var failures = new List<string>();
        for (var attempt = 0; attempt < _gateways.Length; attempt++)
        {
            var index = (first + attempt) % _gateways.Length;
            var gateway = _gateways[index];
            HttpResponseMessage response;
            try
            {
                response = await _http.PostAsync(new Uri(gateway, path), GrainHttp.BodyOf(request));
            }
            catch (TaskCanceledException e)
            {
                throw new GrainCallTimeoutException($"{target.GrainId} {request.Method} got no answer from {gateway} within {_http.Timeout.TotalSeconds} s. {e.Message}");
            }
            catch (HttpRequestException e) when (GrainHttp.MaySendAgain(e, request.Method.IsReadOnly))
            {
                // Never reached the silo (or only reads): safe to send to the next gateway.
                failures.Add($"{gateway}: {e.Message}");
                Interlocked.CompareExchange(ref _current, (index + 1) % _gateways.Length, index);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new SiloUnavailableException($"The ParkGrid silo at {gateway} stopped answering {target.GrainId} {request.Method}; the call may or may not have happened: {e.Message}", e);
            }
            if (response.IsSuccessStatusCode) return response;
            using (response) throw await GrainHttp.ErrorFromAsync(response, target.GrainId, request.Method);
        }
        throw new SiloUnavailableException($"No ParkGrid silo is reachable for {target.GrainId} {request.Method}: {string.Join("; ", failures)}");
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
