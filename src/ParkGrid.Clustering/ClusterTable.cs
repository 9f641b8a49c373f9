using Npgsql;
using NpgsqlTypes;

namespace ParkGrid.Clustering;

/// <summary>A live silo as the membership table shows it.</summary>
public sealed record ClusterMember(string Silo, string Name, Uri Address, long Generation, string Status, bool Fresh, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt);

/// <summary>A partition's lease: its owner (null when free), epoch, and whether the lease is still valid by the database's clock.</summary>
public sealed record PartitionLease(int Partition, string? Owner, long Epoch, bool Valid);

/// <summary>One read of the cluster's tables.</summary>
public sealed record ClusterView(long Version, int Partitions, IReadOnlyList<ClusterMember> Members, IReadOnlyList<PartitionLease> Leases);

/// <summary>
/// The cluster's tables in PostgreSQL (deploy/sql/postgresql/0002_cluster.sql). Every statement is one short
/// transaction and every time is the database's now(), so silos never compare their own clocks.
/// </summary>
public sealed class ClusterTable(NpgsqlDataSource dataSource, string cluster)
{
    public string Cluster { get; } = cluster;

    /// <summary>Creates the cluster with its partitions unless it exists; refuses a different partition count.</summary>
    public async Task EnsureClusterAsync(int partitions, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO parkgrid_cluster (cluster, partitions) VALUES (@c, @n) ON CONFLICT (cluster) DO NOTHING;
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("c", Cluster);
            insert.Parameters.AddWithValue("n", partitions);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        int existing;
        await using (var read = new NpgsqlCommand("SELECT partitions FROM parkgrid_cluster WHERE cluster = @c FOR UPDATE", connection, tx))
        {
            read.Parameters.AddWithValue("c", Cluster);
            existing = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        }
        if (existing != partitions)
            throw new InvalidOperationException($"Cluster '{Cluster}' was created with {existing} partitions; this silo asks for {partitions}. Start it with --partitions {existing} (the count cannot change while the cluster has data).");
        await using (var rows = new NpgsqlCommand("""
            INSERT INTO parkgrid_partition_lease (cluster, partition)
            SELECT @c, p FROM generate_series(0, @n - 1) AS p
            ON CONFLICT (cluster, partition) DO NOTHING
            """, connection, tx))
        {
            rows.Parameters.AddWithValue("c", Cluster);
            rows.Parameters.AddWithValue("n", partitions);
            await rows.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Registers a silo incarnation as active; earlier generations of the same name are declared dead (they cannot still run).</summary>
    public async Task JoinAsync(string silo, string name, Uri address, long generation, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE parkgrid_cluster SET version = version + 1 WHERE cluster = @c;
            UPDATE parkgrid_cluster_member SET status = 'dead' WHERE cluster = @c AND name = @name AND status = 'active' AND generation < @g;
            INSERT INTO parkgrid_cluster_member (cluster, silo, name, address, generation, status) VALUES (@c, @s, @name, @a, @g, 'active');
            """, connection, tx);
        command.Parameters.AddWithValue("c", Cluster);
        command.Parameters.AddWithValue("s", silo);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("a", address.AbsoluteUri);
        command.Parameters.AddWithValue("g", generation);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the silo's heartbeat and renews every lease it holds. Returns the silo's status as the table has it
    /// (not "active" means it was declared dead and must stop) and the partitions it holds now, with their epochs.
    /// </summary>
    public async Task<(string? Status, IReadOnlyDictionary<int, long> Held)> HeartbeatAsync(string silo, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE parkgrid_cluster_member SET heartbeat_at = now() WHERE cluster = $1 AND silo = $2 RETURNING status"),
                new NpgsqlBatchCommand("""
                    UPDATE parkgrid_partition_lease SET expires_at = now() + $3
                    WHERE cluster = $1 AND owner = $2 AND EXISTS (
                        SELECT 1 FROM parkgrid_cluster_member WHERE cluster = $1 AND silo = $2 AND status = 'active')
                    RETURNING partition, epoch
                    """),
            },
        };
        foreach (var c in batch.BatchCommands)
        {
            c.Parameters.Add(new NpgsqlParameter { Value = Cluster });
            c.Parameters.Add(new NpgsqlParameter { Value = silo });
        }
        batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter { Value = leaseDuration, NpgsqlDbType = NpgsqlDbType.Interval });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        string? status = null;
        if (await reader.ReadAsync(cancellationToken)) status = reader.GetString(0);
        await reader.NextResultAsync(cancellationToken);
        var held = new Dictionary<int, long>();
        while (await reader.ReadAsync(cancellationToken)) held[reader.GetInt32(0)] = reader.GetInt64(1);
        return (status, held);
    }

    /// <summary>Members that are active (fresh: heartbeat within <paramref name="deathTimeout"/>) and every partition's lease.</summary>
    public async Task<ClusterView> ReadAsync(TimeSpan deathTimeout, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT version, partitions FROM parkgrid_cluster WHERE cluster = $1"),
                new NpgsqlBatchCommand("""
                    SELECT silo, name, address, generation, status, heartbeat_at > now() - $2, started_at, heartbeat_at
                    FROM parkgrid_cluster_member WHERE cluster = $1 AND status = 'active' ORDER BY silo
                    """),
                new NpgsqlBatchCommand("SELECT partition, owner, epoch, expires_at > now() FROM parkgrid_partition_lease WHERE cluster = $1 ORDER BY partition"),
            },
        };
        foreach (var c in batch.BatchCommands) c.Parameters.Add(new NpgsqlParameter { Value = Cluster });
        batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter { Value = deathTimeout, NpgsqlDbType = NpgsqlDbType.Interval });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException($"Cluster '{Cluster}' does not exist in this database.");
        var version = reader.GetInt64(0);
        var partitions = reader.GetInt32(1);
        await reader.NextResultAsync(cancellationToken);
        var members = new List<ClusterMember>();
        while (await reader.ReadAsync(cancellationToken))
            members.Add(new ClusterMember(reader.GetString(0), reader.GetString(1), new Uri(reader.GetString(2)), reader.GetInt64(3), reader.GetString(4),
                reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7)));
        await reader.NextResultAsync(cancellationToken);
        var leases = new List<PartitionLease>(partitions);
        while (await reader.ReadAsync(cancellationToken))
            leases.Add(new PartitionLease(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3)));
        return new ClusterView(version, partitions, members, leases);
    }

    /// <summary>
    /// Declares a silo dead if its heartbeat is still older than <paramref name="deathTimeout"/> and the membership
    /// version is still <paramref name="seenVersion"/> (the view the decision was made on). Returns whether it did.
    /// </summary>
    public async Task<bool> DeclareDeadAsync(string silo, long seenVersion, TimeSpan deathTimeout, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var bump = new NpgsqlCommand("UPDATE parkgrid_cluster SET version = version + 1 WHERE cluster = @c AND version = @v", connection, tx);
        bump.Parameters.AddWithValue("c", Cluster);
        bump.Parameters.AddWithValue("v", seenVersion);
        if (await bump.ExecuteNonQueryAsync(cancellationToken) != 1) return false; // someone changed membership meanwhile: decide again on a new view
        await using var mark = new NpgsqlCommand("""
            UPDATE parkgrid_cluster_member SET status = 'dead'
            WHERE cluster = @c AND silo = @s AND status = 'active' AND heartbeat_at <= now() - @d
            """, connection, tx);
        mark.Parameters.AddWithValue("c", Cluster);
        mark.Parameters.AddWithValue("s", silo);
        mark.Parameters.AddWithValue("d", deathTimeout);
        if (await mark.ExecuteNonQueryAsync(cancellationToken) != 1) return false; // it came back: the transaction rolls back
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Takes those of the partitions that are free or whose lease expired; returns the ones taken with their new epochs.</summary>
    public async Task<IReadOnlyDictionary<int, long>> TryAcquireAsync(string silo, IReadOnlyCollection<int> partitions, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var taken = new Dictionary<int, long>();
        if (partitions.Count == 0) return taken;
        await using var command = dataSource.CreateCommand("""
            UPDATE parkgrid_partition_lease SET owner = $2, epoch = epoch + 1, expires_at = now() + $4
            WHERE cluster = $1 AND partition = ANY($3) AND (owner IS NULL OR expires_at <= now())
              AND EXISTS (SELECT 1 FROM parkgrid_cluster_member WHERE cluster = $1 AND silo = $2 AND status = 'active')
            RETURNING partition, epoch
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Cluster });
        command.Parameters.Add(new NpgsqlParameter { Value = silo });
        command.Parameters.Add(new NpgsqlParameter { Value = partitions.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = leaseDuration, NpgsqlDbType = NpgsqlDbType.Interval });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) taken[reader.GetInt32(0)] = reader.GetInt64(1);
        return taken;
    }

    /// <summary>Gives partitions up (after their grains were deactivated and flushed) so that another silo may take them at once.</summary>
    public async Task ReleaseAsync(string silo, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken = default)
    {
        if (partitions.Count == 0) return;
        await using var command = dataSource.CreateCommand(
            "UPDATE parkgrid_partition_lease SET owner = NULL, expires_at = now() WHERE cluster = $1 AND owner = $2 AND partition = ANY($3)");
        command.Parameters.Add(new NpgsqlParameter { Value = Cluster });
        command.Parameters.Add(new NpgsqlParameter { Value = silo });
        command.Parameters.Add(new NpgsqlParameter { Value = partitions.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A clean stop: every lease released and the silo marked as left.</summary>
    public async Task LeaveAsync(string silo, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE parkgrid_partition_lease SET owner = NULL, expires_at = now() WHERE cluster = @c AND owner = @s;
            UPDATE parkgrid_cluster_member SET status = 'left' WHERE cluster = @c AND silo = @s AND status = 'active';
            UPDATE parkgrid_cluster SET version = version + 1 WHERE cluster = @c;
            """, connection, tx);
        command.Parameters.AddWithValue("c", Cluster);
        command.Parameters.AddWithValue("s", silo);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The current owner of one partition and its address, if its lease is valid.</summary>
    public async Task<(string Silo, Uri Address)?> FindOwnerAsync(int partition, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT l.owner, m.address FROM parkgrid_partition_lease l
            JOIN parkgrid_cluster_member m ON m.cluster = l.cluster AND m.silo = l.owner
            WHERE l.cluster = $1 AND l.partition = $2 AND l.expires_at > now() AND m.status = 'active'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Cluster });
        command.Parameters.Add(new NpgsqlParameter { Value = partition });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (reader.GetString(0), new Uri(reader.GetString(1)));
    }
}
