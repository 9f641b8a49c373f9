using System.Text.Json;
using NodaTime;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Persistence.AdoNet.Tests;

/// <summary>
/// The provider suite, run against every backend by a derived class (SQLite and PostgreSQL). Each test class has
/// its own database (opened fresh per test, which also runs the migrator each time); tests use fresh grain ids.
/// </summary>
public abstract class StoreProviderTests : IAsyncLifetime
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    protected AdoNetStore Store { get; private set; } = null!;
    protected AdoNetStoreOptions ClassOptions { get; private set; } = null!;
    private IGrainStorage Storage => Store.GrainStorage;
    private IReminderTable Reminders => Store.ReminderTable;

    protected abstract AdoNetBackend Backend { get; }
    protected abstract Task<AdoNetStoreOptions> ClassDatabaseAsync();
    protected abstract Task<AdoNetStoreOptions> FreshDatabaseAsync();
    protected abstract Task<long> RawScalarAsync(AdoNetStoreOptions database, string sql);

    public async Task InitializeAsync()
    {
        ClassOptions = await ClassDatabaseAsync();
        Store = await AdoNetStore.OpenAsync(ClassOptions);
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private static GrainId NewGrain(string type = "park") => new(type, "g-" + Guid.NewGuid().ToString("N")[..12]);

    private static ParkState SampleState(string name) => new()
    {
        Name = name,
        Status = CaseStatus.Substantiated,
        ReceivedAt = Instant.FromUtc(2025, 3, 14, 1, 59, 26) + Duration.FromNanoseconds(535_897_932),
        OpenedOn = new LocalDate(2025, 2, 28),
        Sla = Duration.FromDays(5) + Duration.FromNanoseconds(1),
        Deadline = new LocalDateTime(2025, 10, 8, 23, 59, 59, 999).InZoneStrictly(Shanghai),
        LookBackAt = new LocalDateTime(2026, 1, 1, 9, 30),
        Liaison = new Liaison("王芳", null, Channel.QrCode),
        History =
        [
            new StatusChange(CaseStatus.Received, Instant.FromUtc(2025, 3, 14, 2, 0), "12345 热线"),
            new StatusChange(CaseStatus.Verifying, Instant.FromUtc(2025, 3, 15, 8, 0) + Duration.FromTicks(7), null),
        ],
        CasesByCategory = new() { ["奖补资金兑现不及时"] = 3, ["多头重复检查"] = 0, ["slow-approval"] = 12 },
        DatesByStatus = new()
        {
            [CaseStatus.Assigned] = [new LocalDate(2025, 4, 30), new LocalDate(2025, 5, 6)],
            [CaseStatus.Resolved] = [],
        },
        SatisfactionScore = 87.25m,
        Optional = null,
        Tags = ["规上", "digital"],
    };

    // ---------------------------------------------------------------- state

    [Fact]
    public async Task Read_of_nothing_is_default_with_version_0()
    {
        var stored = await Storage.ReadAsync<ParkState>("park", NewGrain());
        Assert.Null(stored.State);
        Assert.Equal(0, stored.Version);
        Assert.False(stored.RecordExists);
    }

    [Fact]
    public async Task State_round_trips_with_NodaTime_values_nested_records_lists_dictionaries_and_enums()
    {
        var grain = NewGrain();
        var state = SampleState("象屿数字园");
        var version = await Storage.WriteAsync("park", grain, state, 0);
        Assert.Equal(1, version);

        var stored = await Storage.ReadAsync<ParkState>("park", grain);
        Assert.True(stored.RecordExists);
        Assert.Equal(1, stored.Version);
        var read = stored.State!;
        Assert.Equal(state.Name, read.Name);
        Assert.Equal(state.Status, read.Status);
        Assert.Equal(state.ReceivedAt, read.ReceivedAt);
        Assert.Equal(state.OpenedOn, read.OpenedOn);
        Assert.Equal(state.Sla, read.Sla);
        Assert.Equal(state.Deadline, read.Deadline);
        Assert.Equal("Asia/Shanghai", read.Deadline.Zone.Id);
        Assert.Equal(Offset.FromHours(8), read.Deadline.Offset);
        Assert.Equal(state.LookBackAt, read.LookBackAt);
        Assert.Equal(state.Liaison, read.Liaison);
        Assert.Equal(state.History, read.History);
        Assert.Equal(state.CasesByCategory, read.CasesByCategory);
        Assert.Equal(state.CasesByCategory.Keys, read.CasesByCategory.Keys); // order kept too
        Assert.Equal(state.DatesByStatus.Keys, read.DatesByStatus.Keys);
        foreach (var (status, dates) in state.DatesByStatus) Assert.Equal(dates, read.DatesByStatus[status]);
        Assert.Equal(state.SatisfactionScore, read.SatisfactionScore);
        Assert.Null(read.Optional);
        Assert.Equal(state.Tags, read.Tags);
        // Nothing lost anywhere: the document is identical.
        Assert.Equal(JsonSerializer.Serialize(state, ParkGridJson.Options), JsonSerializer.Serialize(read, ParkGridJson.Options));
    }

    [Fact]
    public async Task Primitive_and_collection_states_round_trip()
    {
        var grain = NewGrain("enterprise");
        await Storage.WriteAsync("count", grain, 42L, 0);
        await Storage.WriteAsync("list", grain, new List<Instant> { Instant.FromUtc(1, 1, 1, 0, 0), Instant.FromUnixTimeTicks(1) }, 0);
        await Storage.WriteAsync("map", grain, new Dictionary<string, Counter> { ["a"] = new(1, "x") }, 0);
        Assert.Equal(42L, (await Storage.ReadAsync<long>("count", grain)).State);
        Assert.Equal([Instant.FromUtc(1, 1, 1, 0, 0), Instant.FromUnixTimeTicks(1)], (await Storage.ReadAsync<List<Instant>>("list", grain)).State);
        Assert.Equal(new Counter(1, "x"), (await Storage.ReadAsync<Dictionary<string, Counter>>("map", grain)).State!["a"]);
    }

    [Fact]
    public async Task States_are_keyed_by_grain_type_key_and_state_name()
    {
        var grain = NewGrain("park");
        var sameKeyOtherType = new GrainId("enterprise", grain.Key);
        await Storage.WriteAsync("s", grain, new Counter(1, "park"), 0);
        await Storage.WriteAsync("s", sameKeyOtherType, new Counter(2, "enterprise"), 0);
        await Storage.WriteAsync("t", grain, new Counter(3, "other state"), 0);
        Assert.Equal(1, (await Storage.ReadAsync<Counter>("s", grain)).State!.Value);
        Assert.Equal(2, (await Storage.ReadAsync<Counter>("s", sameKeyOtherType)).State!.Value);
        Assert.Equal(3, (await Storage.ReadAsync<Counter>("t", grain)).State!.Value);
    }

    [Fact]
    public async Task Successive_writes_increase_the_version()
    {
        var grain = NewGrain();
        long version = 0;
        for (var i = 1; i <= 5; i++)
        {
            version = await Storage.WriteAsync("s", grain, new Counter(i, "me"), version);
            Assert.Equal(i, version);
        }
        var stored = await Storage.ReadAsync<Counter>("s", grain);
        Assert.Equal(new StoredState<Counter>(new Counter(5, "me"), 5), stored);
    }

    [Fact]
    public async Task Version_conflict_throws_with_stored_and_expected_versions()
    {
        var grain = NewGrain();
        await Storage.WriteAsync("s", grain, new Counter(1, "a"), 0);
        await Storage.WriteAsync("s", grain, new Counter(2, "a"), 1);

        var again = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("s", grain, new Counter(9, "b"), 0));
        Assert.Equal(2, again.StoredVersion);
        Assert.Equal(0, again.ExpectedVersion);

        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("s", grain, new Counter(9, "b"), 1));
        Assert.Equal(2, stale.StoredVersion);
        Assert.Equal(1, stale.ExpectedVersion);
        Assert.Contains("'s'", stale.Message);
        Assert.Contains(grain.ToString(), stale.Message);

        var ahead = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("s", grain, new Counter(9, "b"), 7));
        Assert.Equal(2, ahead.StoredVersion);
        Assert.Equal(7, ahead.ExpectedVersion);

        var nothing = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("s", NewGrain(), new Counter(9, "b"), 3));
        Assert.Equal(0, nothing.StoredVersion);
        Assert.Equal(3, nothing.ExpectedVersion);

        // The losers changed nothing.
        Assert.Equal(new StoredState<Counter>(new Counter(2, "a"), 2), await Storage.ReadAsync<Counter>("s", grain));
    }

    [Fact]
    public async Task Clear_leaves_a_tombstone_and_read_returns_default_with_its_version()
    {
        var grain = NewGrain();
        await Storage.WriteAsync("s", grain, new Counter(1, "a"), 0);
        var cleared = await Storage.ClearAsync("s", grain, 1);
        Assert.Equal(2, cleared);

        var stored = await Storage.ReadAsync<Counter>("s", grain);
        Assert.Null(stored.State);
        Assert.Equal(2, stored.Version);
        Assert.False(stored.RecordExists);

        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("s", grain, 1));
        Assert.Equal(2, stale.StoredVersion);
        Assert.Equal(1, stale.ExpectedVersion);

        Assert.Equal(3, await Storage.ClearAsync("s", grain, 2)); // clearing a tombstone still bumps
    }

    [Fact]
    public async Task Write_after_clear_continues_the_version_sequence()
    {
        var grain = NewGrain();
        await Storage.WriteAsync("s", grain, new Counter(1, "a"), 0);
        await Storage.ClearAsync("s", grain, 1);

        var fromScratch = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("s", grain, new Counter(2, "b"), 0));
        Assert.Equal(2, fromScratch.StoredVersion);

        Assert.Equal(3, await Storage.WriteAsync("s", grain, new Counter(3, "c"), 2));
        Assert.Equal(new StoredState<Counter>(new Counter(3, "c"), 3), await Storage.ReadAsync<Counter>("s", grain));
    }

    [Fact]
    public async Task Clear_of_nothing_records_a_tombstone_at_version_1()
    {
        var grain = NewGrain();
        Assert.Equal(1, await Storage.ClearAsync("s", grain, 0));
        Assert.Equal(new StoredState<Counter>(null, 1), await Storage.ReadAsync<Counter>("s", grain));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("s", grain, 0));
    }

    [Fact]
    public async Task Negative_expected_version_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.WriteAsync("s", NewGrain(), 1, -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.ClearAsync("s", NewGrain(), -1));
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_expected_version_exactly_one_wins()
    {
        const int writers = 16;
        var grain = NewGrain();
        long version = 0;
        for (var round = 0; round < 5; round++)
        {
            var expected = version;
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
            {
                await gate.Task;
                try
                {
                    return (Writer: i, Version: await Storage.WriteAsync("s", grain, new Counter(round, $"w{i}"), expected), Error: (InconsistentStateException?)null);
                }
                catch (InconsistentStateException e)
                {
                    return (Writer: i, Version: 0L, Error: e);
                }
            })).ToArray();
            gate.SetResult();
            var results = await Task.WhenAll(attempts);

            var winner = Assert.Single(results, r => r.Error is null);
            Assert.Equal(expected + 1, winner.Version);
            foreach (var loser in results.Where(r => r.Error is not null))
            {
                Assert.Equal(expected, loser.Error!.ExpectedVersion);
                Assert.Equal(expected + 1, loser.Error.StoredVersion);
            }
            Assert.Equal(new StoredState<Counter>(new Counter(round, $"w{winner.Writer}"), expected + 1), await Storage.ReadAsync<Counter>("s", grain));
            version = expected + 1;
        }
    }

    [Fact]
    public async Task Concurrent_clears_with_the_same_expected_version_exactly_one_wins()
    {
        var grain = NewGrain();
        await Storage.WriteAsync("s", grain, new Counter(1, "a"), 0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            try { await Storage.ClearAsync("s", grain, 1); return true; }
            catch (InconsistentStateException e) when (e.StoredVersion == 2) { return false; }
        })).ToArray();
        gate.SetResult();
        Assert.Equal(1, (await Task.WhenAll(attempts)).Count(won => won));
        Assert.Equal(new StoredState<Counter>(null, 2), await Storage.ReadAsync<Counter>("s", grain));
    }

    [Fact]
    public async Task Many_concurrent_writers_on_their_own_grains_all_succeed()
    {
        var grains = Enumerable.Range(0, 8).Select(_ => NewGrain("enterprise")).ToArray();
        await Task.WhenAll(grains.Select(grain => Task.Run(async () =>
        {
            long version = 0;
            for (var i = 1; i <= 25; i++) version = await Storage.WriteAsync("s", grain, new Counter(i, grain.Key), version);
        })));
        foreach (var grain in grains)
            Assert.Equal(new StoredState<Counter>(new Counter(25, grain.Key), 25), await Storage.ReadAsync<Counter>("s", grain));
    }

    [Fact]
    public async Task Acknowledged_writes_are_there_after_reopening()
    {
        var grain = NewGrain();
        await Storage.WriteAsync("s", grain, new Counter(7, "before"), 0);
        await Reminders.UpsertRowAsync(grain, "r", Instant.FromUtc(2025, 1, 1, 0, 0), Duration.FromMinutes(5));
        await Store.DisposeAsync();

        Store = await AdoNetStore.OpenAsync(ClassOptions);
        Assert.Equal(new StoredState<Counter>(new Counter(7, "before"), 1), await Storage.ReadAsync<Counter>("s", grain));
        Assert.NotNull(await Reminders.ReadRowAsync(grain, "r"));
    }

    // ---------------------------------------------------------------- reminders

    [Fact]
    public async Task Reminder_upsert_read_and_record_tick()
    {
        var grain = NewGrain("contactpoint");
        var start = Instant.FromUtc(2025, 6, 1, 1, 30) + Duration.FromNanoseconds(123_456_789);
        var period = Duration.FromDays(14) + Duration.FromNanoseconds(1);

        Assert.Null(await Reminders.ReadRowAsync(grain, "visit"));
        var v1 = await Reminders.UpsertRowAsync(grain, "visit", start, period);
        Assert.True(v1 > 0);

        var row = await Reminders.ReadRowAsync(grain, "visit");
        Assert.Equal(new ReminderEntry(grain, "visit", start, period, v1, null), row);

        var tick = start + period * 3;
        await Reminders.RecordTickAsync(grain, "visit", v1, tick);
        row = await Reminders.ReadRowAsync(grain, "visit");
        Assert.Equal(tick, row!.LastTickAt);
        Assert.Equal(v1, row.Version); // a tick does not change the version

        var newStart = start + Duration.FromHours(1);
        var v2 = await Reminders.UpsertRowAsync(grain, "visit", newStart, Duration.FromDays(7));
        Assert.True(v2 > v1);
        Assert.Equal(new ReminderEntry(grain, "visit", newStart, Duration.FromDays(7), v2, null), await Reminders.ReadRowAsync(grain, "visit"));

        // A late tick of the old schedule does not land on the new one.
        await Reminders.RecordTickAsync(grain, "visit", v1, tick);
        Assert.Null((await Reminders.ReadRowAsync(grain, "visit"))!.LastTickAt);
    }

    [Fact]
    public async Task Reminder_remove_with_stale_version_fails_and_with_current_version_succeeds()
    {
        var grain = NewGrain("contactpoint");
        var v1 = await Reminders.UpsertRowAsync(grain, "visit", Instant.FromUtc(2025, 1, 1, 0, 0), Duration.FromDays(1));
        var v2 = await Reminders.UpsertRowAsync(grain, "visit", Instant.FromUtc(2025, 1, 2, 0, 0), Duration.FromDays(1));

        Assert.False(await Reminders.RemoveRowAsync(grain, "visit", v1));
        Assert.NotNull(await Reminders.ReadRowAsync(grain, "visit"));
        Assert.False(await Reminders.RemoveRowAsync(NewGrain("contactpoint"), "visit", v2));

        Assert.True(await Reminders.RemoveRowAsync(grain, "visit", v2));
        Assert.Null(await Reminders.ReadRowAsync(grain, "visit"));
        Assert.False(await Reminders.RemoveRowAsync(grain, "visit", v2));

        // Registered again, it never reuses a version a stale remover could hold.
        var v3 = await Reminders.UpsertRowAsync(grain, "visit", Instant.FromUtc(2025, 1, 3, 0, 0), Duration.FromDays(1));
        Assert.True(v3 > v2);
        Assert.False(await Reminders.RemoveRowAsync(grain, "visit", v2));
    }

    [Fact]
    public async Task Reminder_rows_of_a_grain_and_all_rows()
    {
        var a = NewGrain("department");
        var b = new GrainId("department", a.Key + "/sub"); // keys may contain '/'
        var start = Instant.FromUtc(2025, 1, 1, 0, 0);
        await Reminders.UpsertRowAsync(a, "weekly", start, Duration.FromDays(7));
        await Reminders.UpsertRowAsync(a, "daily", start, Duration.FromDays(1));
        await Reminders.UpsertRowAsync(b, "daily", start, Duration.FromDays(1));

        var ofA = await Reminders.ReadRowsAsync(a);
        Assert.Equal(["daily", "weekly"], ofA.Select(r => r.ReminderName));
        Assert.All(ofA, r => Assert.Equal(a, r.GrainId));

        var all = await Reminders.ReadAllAsync();
        Assert.Contains(all, r => r.GrainId == b && r.ReminderName == "daily");
        Assert.Equal(3, all.Count(r => r.GrainId == a || r.GrainId == b));
        Assert.Empty(await Reminders.ReadRowsAsync(NewGrain("department")));
    }

    [Fact]
    public async Task Reminder_times_are_stored_exactly_and_out_of_range_times_are_refused()
    {
        var grain = NewGrain("case");
        var start = Instant.FromUtc(2262, 4, 11, 0, 0) + Duration.FromNanoseconds(999);
        await Reminders.UpsertRowAsync(grain, "once", start, Duration.MaxValue);
        var row = await Reminders.ReadRowAsync(grain, "once");
        Assert.Equal(start, row!.StartAt);
        Assert.Equal(Duration.MaxValue, row.Period);

        var early = Instant.FromUtc(1700, 1, 1, 0, 0) + Duration.FromNanoseconds(1);
        await Reminders.UpsertRowAsync(grain, "early", early, Duration.FromNanoseconds(1));
        Assert.Equal(early, (await Reminders.ReadRowAsync(grain, "early"))!.StartAt);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reminders.UpsertRowAsync(grain, "far", Instant.FromUtc(3000, 1, 1, 0, 0), Duration.FromDays(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reminders.UpsertRowAsync(grain, "long", start, Duration.FromDays(365 * 300)));
    }

    [Fact]
    public async Task Record_tick_of_a_missing_reminder_is_harmless()
    {
        await Reminders.RecordTickAsync(NewGrain("case"), "gone", 1, Instant.FromUtc(2025, 1, 1, 0, 0));
    }

    [Fact]
    public async Task Concurrent_reminder_upserts_and_ticks_all_land()
    {
        var grains = Enumerable.Range(0, 8).Select(_ => NewGrain("contactpoint")).ToArray();
        var start = Instant.FromUtc(2025, 1, 1, 0, 0);
        await Task.WhenAll(grains.Select(g => Task.Run(async () =>
        {
            var versions = new long[10];
            for (var i = 0; i < 10; i++) versions[i] = await Reminders.UpsertRowAsync(g, $"r{i}", start, Duration.FromMinutes(i + 1));
            for (var i = 0; i < 10; i++) await Reminders.RecordTickAsync(g, $"r{i}", versions[i], start + Duration.FromMinutes(i + 1));
        })));
        foreach (var g in grains)
        {
            var rows = await Reminders.ReadRowsAsync(g);
            Assert.Equal(10, rows.Count);
            Assert.All(rows, r => Assert.Equal(r.StartAt + r.Period, r.LastTickAt));
        }
        var versions = (await Reminders.ReadAllAsync()).Select(r => r.Version).ToList();
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    // ---------------------------------------------------------------- schema

    [Fact]
    public async Task Fresh_database_gets_every_schema_script()
    {
        var options = await FreshDatabaseAsync();
        await using var store = await AdoNetStore.OpenAsync(options);
        var scripts = SchemaMigrator.Scripts(Backend);
        Assert.Equal(0, store.Migration.PreviousVersion);
        Assert.Equal(scripts.Select(s => s.Name), store.Migration.Applied);
        Assert.Equal(SchemaMigrator.KnownVersion(Backend), store.SchemaVersion);
    }

    [Fact]
    public async Task Schema_applied_twice_is_a_no_op()
    {
        var known = SchemaMigrator.KnownVersion(Backend);
        var grain = NewGrain();
        await Storage.WriteAsync("s", grain, new Counter(1, "kept"), 0);

        var again = await Store.MigrateAsync();
        Assert.Empty(again.Applied);
        Assert.Equal(known, again.PreviousVersion);
        Assert.Equal(known, again.CurrentVersion);

        await using (var second = await AdoNetStore.OpenAsync(ClassOptions))
        {
            Assert.Empty(second.Migration.Applied);
            Assert.Equal(new Counter(1, "kept"), (await second.GrainStorage.ReadAsync<Counter>("s", grain)).State);
        }

        Assert.Equal(known, await RawScalarAsync(ClassOptions, "SELECT COUNT(*) FROM parkgrid_schema_version"));
        Assert.Equal(known, await RawScalarAsync(ClassOptions, "SELECT MAX(version) FROM parkgrid_schema_version"));
        Assert.Equal(new Counter(1, "kept"), (await Storage.ReadAsync<Counter>("s", grain)).State);
    }

    [Fact]
    public async Task Concurrent_openers_migrate_once()
    {
        var options = await FreshDatabaseAsync();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => AdoNetStore.OpenAsync(options))));
        try
        {
            Assert.Equal(1, stores.Count(s => s.Migration.Applied.Count > 0));
            Assert.Equal(SchemaMigrator.KnownVersion(Backend), await RawScalarAsync(options, "SELECT COUNT(*) FROM parkgrid_schema_version"));
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Database_with_a_newer_schema_version_is_refused_with_a_clear_message()
    {
        var options = await FreshDatabaseAsync();
        await (await AdoNetStore.OpenAsync(options)).DisposeAsync();
        var known = SchemaMigrator.KnownVersion(Backend);
        var future = known + 41;
        await RawScalarAsync(options, $"INSERT INTO parkgrid_schema_version (version, name, applied_at) VALUES ({future}, '{future:D4}_from_the_future.sql', {(Backend == AdoNetBackend.Sqlite ? "'2030-01-01'" : "now()")})");

        var refused = await Assert.ThrowsAsync<SchemaVersionException>(() => AdoNetStore.OpenAsync(options));
        Assert.Equal(future, refused.DatabaseVersion);
        Assert.Equal(known, refused.CodeVersion);
        Assert.Contains($"schema version {future}", refused.Message);
        Assert.Contains($"schema versions up to {known}", refused.Message);
        Assert.Contains("refusing to start", refused.Message);
        Assert.Contains(options.Describe(), refused.Message);
    }

    [Fact]
    public void Describe_names_the_backend_and_location()
    {
        var description = Store.Describe();
        Assert.StartsWith(Backend == AdoNetBackend.Sqlite ? "SQLite file " : "PostgreSQL ", description);
        Assert.Contains($"schema version {SchemaMigrator.KnownVersion(Backend)}", description);
        Assert.DoesNotContain("Password", description, StringComparison.OrdinalIgnoreCase);
    }
}
