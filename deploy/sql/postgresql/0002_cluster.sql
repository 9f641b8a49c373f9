-- ParkGrid schema version 2 (PostgreSQL): several silos, one cluster (ParkGrid.Clustering).
-- All times here are the database's own clock (now()), so silos never compare their clocks with each other.

-- One row per cluster: its fixed number of partitions and the membership version, bumped by every change of
-- membership (join, leave, a silo declared dead) inside the transaction that makes it, so that two silos
-- declaring the same silo dead at once cannot both succeed on a stale view.
CREATE TABLE parkgrid_cluster (
    cluster    text        PRIMARY KEY,
    partitions integer     NOT NULL CHECK (partitions > 0),
    version    bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Membership: one row per silo incarnation. silo = name@generation; a restarted silo is a new generation.
-- status: active | dead (declared so by another silo after missed heartbeats) | left (stopped cleanly).
CREATE TABLE parkgrid_cluster_member (
    cluster      text        NOT NULL REFERENCES parkgrid_cluster (cluster),
    silo         text        NOT NULL,
    name         text        NOT NULL,
    address      text        NOT NULL,
    generation   bigint      NOT NULL,
    status       text        NOT NULL CHECK (status IN ('active', 'dead', 'left')),
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster, silo)
);

-- Partition leases. A silo activates grains of a partition only while it holds the lease: it renews it with
-- every heartbeat, and another silo may take it only once expires_at has passed (or the owner released it).
-- epoch grows with every change of owner, so the history of a partition is ordered.
CREATE TABLE parkgrid_partition_lease (
    cluster    text        NOT NULL REFERENCES parkgrid_cluster (cluster),
    partition  integer     NOT NULL CHECK (partition >= 0),
    owner      text        NULL,
    epoch      bigint      NOT NULL DEFAULT 0,
    expires_at timestamptz NOT NULL DEFAULT '-infinity',
    PRIMARY KEY (cluster, partition)
);
