using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ParkGrid.Client;
using ParkGrid.Runtime;

namespace ParkGrid.Clustering;

/// <summary>A partition's owner as this silo last saw it.</summary>
public sealed record PartitionOwner(string Silo, Uri Address);

/// <summary>What this silo knows of its cluster right now (for /api/cluster, the dashboard and tests).</summary>
public sealed record ClusterStatus(
    string Cluster, string Silo, Uri Address, int Partitions, IReadOnlyList<int> Serving,
    IReadOnlyList<ClusterMember> Members, IReadOnlyDictionary<int, string?> Owners, long MembershipVersion, long Forwarded, long Takeovers);

/// <summary>
/// One silo's part in a cluster. Every heartbeat period it writes its heartbeat and renews its partition leases
/// in one round trip, reads the membership and the leases, declares silos dead whose heartbeat is older than the
/// lease duration, gives up partitions that rendezvous hashing now places on another live silo (deactivating
/// their grains first) and takes free or expired partitions placed on it (loading their reminders). It answers
/// the runtime's "is this grain local?" from the partitions it serves, and carries calls to other grains' owners
/// over their gateways, waiting out a takeover. A silo that cannot renew stops serving before its leases can
/// expire in the database; one that finds itself declared dead stops serving and reports it (the silo then exits).
/// </summary>
public sealed class ClusterAgent : IGrainLocator, IAsyncDisposable
{
    private readonly ClusterOptions _options;
    private readonly GrainRuntime _runtime;
    private readonly ClusterTable _table;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly object _servingLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, int> _liveRounds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _freeRounds = new();
    private volatile bool[] _serving;
    private PartitionOwner?[] _owners;
    private ClusterView? _view;
    private long _leaseDeadline = long.MinValue; // Stopwatch timestamp after which our leases may have expired in the database
    private long _forwarded;
    private long _takeovers;
    private Task? _loop;
    private Task? _guard;
    private int _state; // 0 new, 1 running, 2 stopped

    public ClusterAgent(ClusterOptions options, NpgsqlDataSource dataSource, GrainRuntime runtime, ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _runtime = runtime;
        _logger = logger ?? NullLogger.Instance;
        _table = new ClusterTable(dataSource, options.ClusterName);
        Generation = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        SiloId = $"{options.SiloName}@{Generation}";
        _serving = new bool[options.Partitions];
        _owners = new PartitionOwner?[options.Partitions];
        // A dead silo's port refuses at once on one machine; across machines the connect timeout bounds the wait.
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        runtime.AttachLocator(this);
    }

    public string SiloId { get; }
    public long Generation { get; }
    public ClusterOptions Options => _options;

    /// <summary>Raised once when the membership table says this silo was declared dead: it must stop (Orleans' rule; a restart rejoins as a new generation).</summary>
    public event Action? DeclaredDead;

    /// <summary>Creates the cluster if needed, joins it, takes a first share of partitions and starts the heartbeat.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) throw new InvalidOperationException("The cluster agent was started already.");
        await _table.EnsureClusterAsync(_options.Partitions, cancellationToken);
        await _table.JoinAsync(SiloId, _options.SiloName, _options.Address, Generation, cancellationToken);
        _logger.LogInformation("Silo {Silo} joined cluster {Cluster} at {Address}", SiloId, _options.ClusterName, _options.Address);
        await RunRoundAsync(cancellationToken);
        _loop = Task.Run(HeartbeatLoopAsync);
        _guard = Task.Run(LeaseGuardAsync);
    }

    /// <summary>A clean stop: stops the heartbeat, deactivates every grain (flushing state), releases the leases and marks the silo as left.</summary>
    public async Task LeaveAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1) return;
        _stopping.Cancel();
        await Task.WhenAll(new[] { _loop, _guard }.OfType<Task>()).ContinueWith(_ => { }, TaskScheduler.Default);
        await _round.WaitAsync();
        try
        {
            await StopServingAsync(ServingPartitions(), "the silo is leaving");
            await _table.LeaveAsync(SiloId);
            _logger.LogInformation("Silo {Silo} left cluster {Cluster}", SiloId, _options.ClusterName);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Leaving cluster {Cluster} cleanly failed; the other silos take over when the leases expire", _options.ClusterName);
        }
        finally
        {
            _round.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await LeaveAsync();
        _http.Dispose();
        _stopping.Dispose();
    }

    // ---- IGrainLocator ------------------------------------------------------------------------

    public bool IsLocal(GrainId grainId) => _serving[Placement.PartitionOf(grainId, _options.Partitions)];

    public async Task<TResult> InvokeRemoteAsync<TResult>(GrainId grainId, GrainRequest request, bool isVoid)
    {
        var partition = Placement.PartitionOf(grainId, _options.Partitions);
        var started = Stopwatch.GetTimestamp();
        var path = GrainHttp.PathOf(grainId, request.Method);
        var pause = TimeSpan.FromMilliseconds(25);
        var problem = "no silo holds it";
        while (true)
        {
            if (IsLocal(grainId))
                return await InvokeHereAsync<TResult>(grainId, request, isVoid).ConfigureAwait(false); // taken over by this silo meanwhile

            var owner = Volatile.Read(ref _owners)[partition];
            var remaining = _options.ForwardTimeout - Stopwatch.GetElapsedTime(started);
            if (owner is not null && owner.Silo != SiloId && remaining > TimeSpan.Zero)
            {
                using var timeout = new CancellationTokenSource(remaining);
                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(owner.Address, path)) { Content = GrainHttp.BodyOf(request) };
                message.Headers.Add(GrainHttp.ForwardedHeader, SiloId);
                try
                {
                    using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref _forwarded);
                        return await GrainHttp.ReadResultAsync<TResult>(response, isVoid).ConfigureAwait(false);
                    }
                    if (response.StatusCode != HttpStatusCode.MisdirectedRequest)
                        throw await GrainHttp.ErrorFromAsync(response, grainId, request.Method).ConfigureAwait(false);
                    problem = $"{owner.Silo} no longer holds it";
                }
                catch (HttpRequestException e) when (GrainHttp.MaySendAgain(e, request.Method.IsReadOnly))
                {
                    problem = $"{owner.Silo} at {owner.Address} is unreachable ({e.Message})";
                }
                catch (HttpRequestException e)
                {
                    throw new SiloUnavailableException($"{owner.Silo} stopped answering {grainId} {request.Method}; the call may or may not have happened: {e.Message}", e);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new GrainCallTimeoutException($"{grainId} {request.Method} got no answer from {owner.Silo} within {_options.ForwardTimeout.TotalSeconds:0.#} s.");
                }
            }
            if (Stopwatch.GetElapsedTime(started) >= _options.ForwardTimeout)
                throw new GrainCallTimeoutException($"{grainId} {request.Method}: partition {partition} had no reachable owner for {_options.ForwardTimeout.TotalSeconds:0.#} s ({problem}).");
            await Task.Delay(pause).ConfigureAwait(false);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 400));
            await RefreshOwnerAsync(partition).ConfigureAwait(false); // ask the database now rather than wait for the next round
        }
    }

    private async Task<TResult> InvokeHereAsync<TResult>(GrainId grainId, GrainRequest request, bool isVoid)
    {
        var target = new LocalTarget(grainId, _runtime);
        if (!isVoid) return await _runtime.InvokeAsync<TResult>(target, request);
        await _runtime.InvokeAsync(target, request);
        return default!;
    }

    private sealed class LocalTarget(GrainId grainId, IGrainCallInvoker invoker) : GrainReference(grainId, invoker);

    private async Task RefreshOwnerAsync(int partition)
    {
        try
        {
            var found = await _table.FindOwnerAsync(partition, _stopping.Token).ConfigureAwait(false);
            Volatile.Read(ref _owners)[partition] = found is { } f ? new PartitionOwner(f.Silo, f.Address) : null;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            _logger.LogDebug(e, "Looking up the owner of partition {Partition} failed", partition);
        }
    }

    // ---- Status -------------------------------------------------------------------------------

    public IReadOnlyList<int> ServingPartitions()
    {
        var serving = _serving;
        return Enumerable.Range(0, serving.Length).Where(p => serving[p]).ToList();
    }

    /// <summary>The silo this one last saw holding the partition (null: none, or its lease lapsed).</summary>
    public string? OwnerOf(int partition) => Volatile.Read(ref _owners)[partition]?.Silo;

    public ClusterStatus Status()
    {
        var view = _view;
        var owners = Volatile.Read(ref _owners);
        return new ClusterStatus(_options.ClusterName, SiloId, _options.Address, _options.Partitions, ServingPartitions(),
            view?.Members ?? [], Enumerable.Range(0, owners.Length).ToDictionary(p => p, p => owners[p]?.Silo),
            view?.Version ?? 0, Interlocked.Read(ref _forwarded), Interlocked.Read(ref _takeovers));
    }

    // ---- The heartbeat round ------------------------------------------------------------------

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    limit.CancelAfter(_options.LeaseDuration); // a hung database must not hold the round past the leases
                    await RunRoundAsync(limit.Token);
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "Cluster heartbeat of {Silo} failed; it keeps serving until its leases could lapse", SiloId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops serving as soon as the leases might have expired in the database, whether or not the round is stuck.</summary>
    private async Task LeaseGuardAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                if (Stopwatch.GetTimestamp() <= Interlocked.Read(ref _leaseDeadline)) continue;
                var lapsed = ServingPartitions();
                if (lapsed.Count == 0) continue;
                // Not under the round's lock: the round may be the thing that is stuck. A round that renews later serves them again.
                _logger.LogError("Silo {Silo} could not renew its leases in time: it stops serving its partitions", SiloId);
                await StopServingAsync(lapsed, "its leases lapsed");
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            await RoundAsync(cancellationToken);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        var sent = Stopwatch.GetTimestamp();
        var (status, held) = await _table.HeartbeatAsync(SiloId, _options.LeaseDuration, cancellationToken);
        if (status != "active")
        {
            _logger.LogCritical("Silo {Silo} was declared dead by the cluster (status {Status}); it stops serving and must restart", SiloId, status ?? "missing");
            await StopServingAsync(ServingPartitions(), "it was declared dead");
            _stopping.Cancel();
            DeclaredDead?.Invoke();
            return;
        }
        // Renewed at or after `sent` by the database's clock, so by ours they hold at least until sent + duration.
        Interlocked.Exchange(ref _leaseDeadline, sent + (long)((_options.LeaseDuration - _options.LeaseSafetyMargin).TotalSeconds * Stopwatch.Frequency));

        var serving = ServingPartitions();
        var lost = serving.Where(p => !held.ContainsKey(p)).ToList();
        if (lost.Count > 0) await StopServingAsync(lost, "another silo took them over");
        var regained = held.Keys.Where(p => !_serving[p]).ToList();
        if (regained.Count > 0) await StartServingAsync(regained, "its leases were renewed");

        var view = await _table.ReadAsync(_options.LeaseDuration, cancellationToken);
        _view = view;
        var addresses = view.Members.ToDictionary(m => m.Silo, m => m.Address, StringComparer.Ordinal);
        var owners = new PartitionOwner?[_options.Partitions];
        foreach (var lease in view.Leases)
            if (lease.Owner is { } o && lease.Valid && lease.Partition < owners.Length && addresses.TryGetValue(o, out var address))
                owners[lease.Partition] = new PartitionOwner(o, address);
        Volatile.Write(ref _owners, owners);

        var live = view.Members.Where(m => m.Fresh).Select(m => m.Silo).Append(SiloId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var gone in _liveRounds.Keys.Except(live).ToList()) _liveRounds.Remove(gone);
        foreach (var silo in live) _liveRounds[silo] = _liveRounds.GetValueOrDefault(silo) + 1;

        foreach (var stale in view.Members.Where(m => !m.Fresh && m.Silo != SiloId))
            if (await _table.DeclareDeadAsync(stale.Silo, view.Version, _options.LeaseDuration, cancellationToken))
                _logger.LogWarning("Silo {Dead} missed its heartbeats for {Timeout}: declared dead by {Silo}", stale.Silo, _options.LeaseDuration, SiloId);

        // Give up what rendezvous hashing now places on another silo that has been up for two rounds (so that a
        // silo still starting does not receive partitions it would not take yet).
        var settled = live.Where(s => s == SiloId || _liveRounds.GetValueOrDefault(s) >= 2).ToList();
        var giveUp = held.Keys.Where(p => Placement.PreferredOwner(p, settled) != SiloId).ToList();
        if (giveUp.Count > 0)
        {
            await StopServingAsync(giveUp, "rebalancing onto a newer silo");
            await _table.ReleaseAsync(SiloId, giveUp, cancellationToken);
        }

        // Take free partitions placed on this silo; any silo takes one that stayed free for three rounds.
        var free = view.Leases.Where(l => (l.Owner is null || !l.Valid) && !held.ContainsKey(l.Partition)).Select(l => l.Partition).ToHashSet();
        foreach (var p in _freeRounds.Keys.Except(free).ToList()) _freeRounds.Remove(p);
        foreach (var p in free) _freeRounds[p] = _freeRounds.GetValueOrDefault(p) + 1;
        var wanted = free.Where(p => Placement.PreferredOwner(p, live) == SiloId || _freeRounds[p] >= 3).Except(giveUp).ToList();
        var taken = await _table.TryAcquireAsync(SiloId, wanted, _options.LeaseDuration, cancellationToken);
        if (taken.Count > 0)
        {
            var previouslyOwned = view.Leases.Count(l => taken.ContainsKey(l.Partition) && l.Owner is not null);
            Interlocked.Add(ref _takeovers, previouslyOwned);
            await StartServingAsync(taken.Keys.ToList(), previouslyOwned > 0 ? $"{previouslyOwned} taken over from silos whose leases lapsed" : "they were free");
            foreach (var p in taken.Keys) Volatile.Read(ref _owners)[p] = new PartitionOwner(SiloId, _options.Address);
        }
    }

    private async Task StartServingAsync(IReadOnlyList<int> partitions, string why)
    {
        var set = partitions.ToHashSet();
        SetServing(set, true);
        _logger.LogInformation("Silo {Silo} serves partitions {Partitions}: {Why}", SiloId, string.Join(",", partitions.Order()), why);
        await _runtime.StartServingAsync(id => set.Contains(Placement.PartitionOf(id, _options.Partitions)));
    }

    private async Task StopServingAsync(IReadOnlyList<int> partitions, string why)
    {
        if (partitions.Count == 0) return;
        var set = partitions.ToHashSet();
        SetServing(set, false);
        _logger.LogInformation("Silo {Silo} stops serving partitions {Partitions}: {Why}", SiloId, string.Join(",", partitions.Order()), why);
        await _runtime.StopServingAsync(id => set.Contains(Placement.PartitionOf(id, _options.Partitions)));
    }

    /// <summary>Copy on write, so that IsLocal reads one consistent array without a lock.</summary>
    private void SetServing(HashSet<int> partitions, bool value)
    {
        lock (_servingLock)
        {
            var next = (bool[])_serving.Clone();
            foreach (var p in partitions) next[p] = value;
            _serving = next;
        }
    }
}
