using ParkGrid.Clustering;
using ParkGrid.Runtime;

namespace ParkGrid.Cluster.Tests;

public class PlacementTests
{
    [Fact]
    public void A_parks_grains_share_its_partition_whatever_their_type()
    {
        var park = Placement.PartitionOf(new GrainId("park", "xiangan-digital"), 64);
        Assert.Equal(park, Placement.PartitionOf(new GrainId("enterprise", "xiangan-digital:017"), 64));
        Assert.Equal(park, Placement.PartitionOf(new GrainId("case", "xiangan-digital:017-c3"), 64));
        Assert.Equal(park, Placement.PartitionOf(new GrainId("contactpoint", "xiangan-digital:cp02"), 64));
        Assert.Equal("xiangan-digital", Placement.GroupOf(new GrainId("case", "xiangan-digital:case-20261121-ab")));
        Assert.Equal("xiangan", Placement.GroupOf(new GrainId("district", "xiangan")));
    }

    [Fact]
    public void Partitions_are_stable_across_processes_and_spread_evenly()
    {
        // FNV-1a of "a" is 0xE40C292C: a fixed value, unlike string.GetHashCode, which changes per process.
        Assert.Equal((int)(0xE40C292Cu % 64), Placement.PartitionOf(new GrainId("park", "a"), 64));
        var counts = new int[64];
        for (var i = 0; i < 64_000; i++) counts[Placement.PartitionOf(new GrainId("park", $"park-{i}"), 64)]++;
        // 1,000 expected per partition; ±20% is far outside what a uniform hash produces (sd ≈ 31).
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void Rendezvous_moves_only_the_partitions_of_a_silo_that_joins_or_leaves()
    {
        string[] two = ["a@1", "b@1"], three = ["a@1", "b@1", "c@1"];
        var before = Enumerable.Range(0, 64).Select(p => Placement.PreferredOwner(p, two)).ToArray();
        var after = Enumerable.Range(0, 64).Select(p => Placement.PreferredOwner(p, three)).ToArray();
        for (var p = 0; p < 64; p++)
            if (before[p] != after[p]) Assert.Equal("c@1", after[p]); // only moves onto the newcomer
        var share = after.Count(o => o == "c@1");
        Assert.InRange(share, 10, 35); // about a third of 64
        // Order of the list does not matter: every silo computes the same owner.
        Assert.Equal(after, Enumerable.Range(0, 64).Select(p => Placement.PreferredOwner(p, three.Reverse())).ToArray());
        Assert.Null(Placement.PreferredOwner(0, []));
    }
}
