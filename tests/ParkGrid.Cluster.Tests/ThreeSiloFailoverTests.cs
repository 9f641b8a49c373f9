using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using ParkGrid.Client;
using ParkGrid.Cluster.Tests.Infrastructure;
using ParkGrid.Clustering;
using ParkGrid.Grains;
using ParkGrid.Persistence.AdoNet.Tests.Infrastructure;
using ParkGrid.Runtime;
using Xunit.Abstractions;

namespace ParkGrid.Cluster.Tests;

/// <summary>
/// Three silo processes on loopback, one PostgreSQL. A client keeps filing and reading cases while one silo is
/// killed with SIGKILL: nothing acknowledged is lost, every grain answers again after the takeover, the dead
/// silo's reminders fire on the survivors, and no grain is active on two silos.
/// </summary>
[Collection(PostgresCollection.Name)]
public class ThreeSiloFailoverTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const int Parks = 12, EnterprisesPerPark = 3; // enough groups that every silo holds some
    // One virtual day per second on a clock all three silos share, so that SLA reminders fall due within the test.
    private const double TimeScale = 86_400;

    [Fact]
    public async Task A_killed_silo_loses_nothing_acknowledged_and_its_grains_and_reminders_move_to_the_survivors()
    {
        var store = await server.CreateDatabaseAsync();
        var clockStart = SystemClock.Instance.GetCurrentInstant();
        string[] clock = ["--time-scale", TimeScale.ToString(System.Globalization.CultureInfo.InvariantCulture), "--clock-start", clockStart.ToString()];
        var silos = new List<SiloProcess>();
        try
        {
            foreach (var name in new[] { "s1", "s2", "s3" }) silos.Add(await SiloProcess.StartAsync(name, store, "failover", clock));
            await SiloProcess.WaitForSplitAsync(silos, TimeSpan.FromSeconds(40));
            // The victim is the silo holding the most of the test's parks (placement depends on the silos' generations).
            var served = await Task.WhenAll(silos.Select(s => s.ServingAsync()));
            var parksHeld = served.Select(partitions => Enumerable.Range(0, Parks)
                .Count(p => partitions.Contains(Placement.PartitionOf(new GrainId("park", TestNetwork.Park(p)), 64)))).ToList();
            var victim = silos[parksHeld.IndexOf(parksHeld.Max())];
            var survivors = silos.Where(s => s != victim).ToList();

            // The victim comes first, so the client's own failover is exercised too.
            using var client = await ParkGridClient.ConnectAsync(silos.Select(s => s.Address).Reverse().Prepend(victim.Address).Distinct().ToList());
            await TestNetwork.CreateAsync(client, Parks, EnterprisesPerPark);

            var acknowledged = new ConcurrentDictionary<string, string>(); // case id → enterprise id
            var failures = new ConcurrentQueue<string>();
            var readsAfterKill = 0;
            var killedAt = long.MaxValue;
            using var stop = new CancellationTokenSource();
            var load = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var (p, n) = (i % Parks, i / Parks % EnterprisesPerPark);
                    var id = $"{TestNetwork.Park(p)}:case-{i}";
                    try
                    {
                        var snapshot = await client.GetGrain<ICaseGrain>(id).Receive(TestNetwork.Clue(p, n, i));
                        acknowledged[id] = snapshot.Record.EnterpriseId;
                        var known = acknowledged.Keys.ElementAt(i % acknowledged.Count);
                        var read = await client.GetGrain<ICaseGrain>(known).GetSnapshot();
                        if (read.Id != known) failures.Enqueue($"{known} read back as {read.Id}");
                        if (Stopwatch.GetTimestamp() > Interlocked.Read(ref killedAt)) Interlocked.Increment(ref readsAfterKill);
                    }
                    catch (SiloUnavailableException e)
                    {
                        // A filing whose answer died with its silo is not acknowledged; it may or may not exist.
                        output.WriteLine($"unacknowledged {id}: {e.Message}");
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue($"{id}: {e.GetType().Name}: {e.Message}");
                    }
                }
            });

            await Task.Delay(TimeSpan.FromSeconds(4));
            var victimId = await victim.SiloIdAsync();
            var victimPartitions = (await victim.ServingAsync()).ToHashSet();
            var victimCases = acknowledged.Keys.Where(id => victimPartitions.Contains(Placement.PartitionOf(new GrainId("case", id), 64))).ToList();
            Assert.NotEmpty(victimCases);
            var activationsBefore = await Task.WhenAll(silos.Select(ActivationsAsync));
            Assert.All(activationsBefore, count => Assert.True(count > 0, "every silo should hold grains before the kill"));

            var virtualKill = clockStart + (SystemClock.Instance.GetCurrentInstant() - clockStart) * TimeScale;
            Interlocked.Exchange(ref killedAt, Stopwatch.GetTimestamp());
            victim.Kill();
            var sinceKill = Stopwatch.StartNew();
            await SiloProcess.WaitForSplitAsync(survivors, TimeSpan.FromSeconds(30));
            var takeover = sinceKill.Elapsed;
            output.WriteLine($"takeover: all 64 partitions served again {takeover.TotalSeconds:0.0} s after SIGKILL");

            await Task.Delay(TimeSpan.FromSeconds(4)); // keep the load running on the two survivors
            stop.Cancel();
            await load;

            Assert.True(failures.IsEmpty, "calls failed: " + string.Join(Environment.NewLine, failures.Take(20)));
            Assert.True(readsAfterKill > 0, "the client should have kept reading after the kill");
            // Nothing acknowledged is lost: every case is there, with its enterprise, served by a survivor.
            foreach (var (id, enterprise) in acknowledged)
                Assert.Equal(enterprise, (await client.GetGrain<ICaseGrain>(id).GetSnapshot()).Record.EnterpriseId);
            foreach (var id in victimCases.Take(10))
            {
                var placements = await Task.WhenAll(survivors.Select(s => s.Http.GetFromJsonAsync<JsonElement>($"api/cluster/placement/case/{Uri.EscapeDataString(id)}")));
                Assert.NotEqual(victimId, placements[0].GetProperty("owner").GetString());
                Assert.Equal(1, placements.Count(p => p.GetProperty("active").GetBoolean())); // active on one silo only
            }

            // The victim's reminders fire on the survivors: only the SLA reminder escalates a case, and an escalation
            // recorded a virtual day or more after the kill cannot come from the victim, whose clock stopped with it.
            await WaitForEscalationAsync(client, victimCases, virtualKill + Duration.FromDays(1), TimeSpan.FromSeconds(30));
            var victimView = await survivors[0].ClusterAsync();
            Assert.DoesNotContain(victimView.GetProperty("members").EnumerateArray(), m => m.GetProperty("silo").GetString() == victimId);
        }
        finally
        {
            foreach (var silo in silos)
            {
                output.WriteLine($"---- {silo.Name} ----{Environment.NewLine}{silo.Output}");
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<int> ActivationsAsync(SiloProcess silo) =>
        (await silo.Http.GetFromJsonAsync<JsonElement>("health")).GetProperty("activations").GetInt32();

    private async Task WaitForEscalationAsync(ParkGridClient client, IReadOnlyList<string> cases, Instant after, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            foreach (var id in cases)
            {
                var record = (await client.GetGrain<ICaseGrain>(id).GetSnapshot()).Record;
                if (record.Escalations.FirstOrDefault(e => e.RecordedAt > after) is { } escalation)
                {
                    output.WriteLine($"{id} escalated to {escalation.Step} by {escalation.Actor} at {escalation.RecordedAt} (virtual), after the kill at {after - Duration.FromDays(1)}");
                    return;
                }
            }
            if (watch.Elapsed > limit) Assert.Fail($"none of the killed silo's {cases.Count} cases escalated on a survivor within {limit.TotalSeconds} s");
            await Task.Delay(500);
        }
    }
}
