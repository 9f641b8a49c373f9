-- ParkGrid schema version 1 (SQLite).
-- Applied by ParkGrid.Persistence.AdoNet.SchemaMigrator inside one transaction; the migrator records the
-- version in parkgrid_schema_version. Never edit a released script: add 0002_….sql instead.

-- Grain state: one row per (grain type, grain key, state name).
-- payload is the state as JSON text (System.Text.Json, ParkGridJson.Options); NULL is a tombstone left by a
-- clear, so that versions only ever increase. version is the ETag: 1 after the first write, +1 per write or clear.
CREATE TABLE parkgrid_grain_state (
    grain_type TEXT    NOT NULL,
    grain_key  TEXT    NOT NULL,
    state_name TEXT    NOT NULL,
    payload    TEXT    NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITHOUT ROWID;

-- Durable reminders. Instants are nanoseconds since the Unix epoch, durations are nanoseconds
-- (exact for NodaTime values between the years 1677 and 2262; period 9223372036854775807 = Duration.MaxValue).
-- version comes from parkgrid_sequence('reminder_version'), so it increases even across remove and re-create.
CREATE TABLE parkgrid_reminders (
    grain_id      TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    start_at      INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    version       INTEGER NOT NULL CHECK (version > 0),
    last_tick_at  INTEGER NULL,
    PRIMARY KEY (grain_id, reminder_name)
) WITHOUT ROWID;

-- Named counters (SQLite has no sequences).
CREATE TABLE parkgrid_sequence (
    name  TEXT    NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO parkgrid_sequence (name, value) VALUES ('reminder_version', 0);
