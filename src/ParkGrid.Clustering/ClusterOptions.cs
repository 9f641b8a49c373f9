namespace ParkGrid.Clustering;

/// <summary>How a silo takes part in a cluster. The timings' defaults give a takeover within about 6 s of a silo's death.</summary>
public sealed class ClusterOptions
{
    /// <summary>Silos with the same cluster name and database serve one grain space.</summary>
    public required string ClusterName { get; init; }

    /// <summary>This silo's name (unique in the cluster while it runs; a restart with the same name is a new generation).</summary>
    public required string SiloName { get; init; }

    /// <summary>Where other silos reach this silo's gateway, e.g. http://silo-1:8080/.</summary>
    public required Uri Address { get; init; }

    /// <summary>Number of partitions, fixed when the cluster is first created; a silo asking for another number is refused.</summary>
    public int Partitions { get; init; } = 64;

    /// <summary>How often the silo writes its heartbeat, renews its leases and looks at the others.</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A lease not renewed for this long may be taken by another silo; a silo whose heartbeat is this old is declared dead.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A silo that could not renew stops serving this long before its leases could expire in the database (clock-rate margin).</summary>
    public TimeSpan LeaseSafetyMargin { get; init; } = TimeSpan.FromMilliseconds(750);

    /// <summary>How long a forwarded call may wait for its grain's partition to get an owner (during a takeover) and run.</summary>
    public TimeSpan ForwardTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterName)) throw new ArgumentException("The cluster name must not be empty (--cluster).", nameof(ClusterName));
        if (string.IsNullOrWhiteSpace(SiloName) || SiloName.Contains('@'))
            throw new ArgumentException($"The silo name must be non-empty and without '@' (--silo-name): '{SiloName}'.", nameof(SiloName));
        if (!Address.IsAbsoluteUri || Address.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The advertised address must be an absolute http(s) URL (--advertise): '{Address}'.", nameof(Address));
        if (Address.Host is "0.0.0.0" or "::" or "[::]" or "+" or "*")
            throw new ArgumentException($"The advertised address {Address} is a listen-on-all address other silos cannot call: give --advertise http://<this host>:<port>.", nameof(Address));
        if (Partitions is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(Partitions), Partitions, "--partitions must be between 1 and 4096.");
        if (HeartbeatPeriod <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HeartbeatPeriod), "The heartbeat period must be positive.");
        if (LeaseDuration < HeartbeatPeriod * 3)
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), $"The lease duration ({LeaseDuration}) must be at least three heartbeat periods ({HeartbeatPeriod}), or leases lapse between renewals.");
        if (LeaseSafetyMargin < TimeSpan.Zero || LeaseSafetyMargin >= LeaseDuration - HeartbeatPeriod)
            throw new ArgumentOutOfRangeException(nameof(LeaseSafetyMargin), "The lease safety margin must be between zero and the lease duration less one heartbeat period.");
    }
}
