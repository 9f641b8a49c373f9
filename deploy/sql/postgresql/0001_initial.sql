-- ParkGrid schema version 1 (PostgreSQL).
-- Applied by ParkGrid.Persistence.AdoNet.SchemaMigrator inside one transaction holding an advisory lock,
-- so several silos starting at once apply it exactly once; the migrator records the version in
-- parkgrid_schema_version. Never edit a released script: add 0002_….sql instead.

-- Grain state: one row per (grain type, grain key, state name).
-- payload is the state as JSON text (System.Text.Json, ParkGridJson.Options). It is text, not jsonb, so the
-- document round-trips byte for byte (jsonb reorders object keys, which would change dictionary order);
-- query it with payload::jsonb. NULL is a tombstone left by a clear, so that versions only ever increase.
-- version is the ETag: 1 after the first write, +1 per write or clear.
CREATE TABLE parkgrid_grain_state (
    grain_type text   NOT NULL,
    grain_key  text   NOT NULL,
    state_name text   NOT NULL,
    payload    text   NULL,
    version    bigint NOT NULL CHECK (version > 0),
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- Durable reminders. Instants are nanoseconds since the Unix epoch, durations are nanoseconds
-- (exact for NodaTime values between the years 1677 and 2262; period 9223372036854775807 = Duration.MaxValue).
-- version comes from parkgrid_reminder_version, so it increases even across remove and re-create.
CREATE SEQUENCE parkgrid_reminder_version AS bigint;

CREATE TABLE parkgrid_reminders (
    grain_id      text   NOT NULL,
    reminder_name text   NOT NULL,
    start_at      bigint NOT NULL,
    period        bigint NOT NULL,
    version       bigint NOT NULL CHECK (version > 0),
    last_tick_at  bigint NULL,
    PRIMARY KEY (grain_id, reminder_name)
);

COMMENT ON TABLE parkgrid_grain_state IS 'ParkGrid grain state: JSON payload, NULL = cleared (tombstone); version = ETag.';
COMMENT ON TABLE parkgrid_reminders IS 'ParkGrid durable reminders: times in nanoseconds since the Unix epoch, periods in nanoseconds.';
