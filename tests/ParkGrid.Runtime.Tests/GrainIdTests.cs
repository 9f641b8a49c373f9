using Xunit;

namespace ParkGrid.Runtime.Tests;

public class GrainIdTests
{
    [Fact]
    public void Ids_with_equal_type_and_key_are_equal_whatever_the_string_instances()
    {
        // The hash is computed once, at construction: ids built from different string instances must still match.
        var a = new GrainId("park", "xiangan-digital");
        var b = GrainId.Parse(string.Concat("park/", "xiangan", "-digital"));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a, new HashSet<GrainId> { b }.Single());
    }

    [Fact]
    public void Ids_differing_in_type_or_key_are_not_equal()
    {
        var a = new GrainId("park", "p1");
        Assert.NotEqual(a, new GrainId("park", "p2"));
        Assert.NotEqual(a, new GrainId("case", "p1"));
        Assert.NotEqual(a, default);
        Assert.Equal(default(GrainId), default(GrainId));
    }
}
