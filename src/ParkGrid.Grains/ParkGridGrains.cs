using ParkGrid.Runtime.Hosting;

namespace ParkGrid.Grains;

/// <summary>Registers ParkGrid's grains with a host in one call.</summary>
public static class ParkGridGrains
{
    /// <summary>Adds every grain of this assembly and the services they need (<paramref name="services"/>, by default a
    /// <see cref="ParkGridServices"/> with the Chinese calendar that throws out of range). A host with services of its own
    /// passes them as the <see cref="ParkGridServices"/> fallback.</summary>
    public static GrainHostBuilder AddTo(GrainHostBuilder builder, ParkGridServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrainsFrom(typeof(CaseGrain).Assembly);
        return builder.UseServices(services ?? new ParkGridServices());
    }

    /// <summary>Same as <see cref="AddTo"/>, as an extension.</summary>
    public static GrainHostBuilder AddParkGridGrains(this GrainHostBuilder builder, ParkGridServices? services = null) => AddTo(builder, services);
}
