-- ParkGrid schema version 2 (SQLite): no change.
-- Version 2 adds the cluster tables on PostgreSQL (deploy/sql/postgresql/0002_cluster.sql). A cluster needs
-- PostgreSQL: an embedded SQLite file serves one silo. This script keeps both backends at the same version.
SELECT 1;
