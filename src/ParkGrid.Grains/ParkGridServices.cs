using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Kpis;

namespace ParkGrid.Grains;

/// <summary>
/// The services ParkGrid's grains take in their constructors, for <c>GrainHostBuilder.UseServices</c>: the
/// <see cref="WorkingDayCalendar"/> every SLA clock counts in, and the <see cref="KpiOptions"/> KPI reports use.
/// <para>The default calendar is <see cref="WorkingDayCalendar.China"/>, which <b>throws</b> for a date in a year without a
/// published holiday schedule (2027 at the time of writing, see docs/domain.md). Running past it is the host's explicit
/// choice: <c>new ParkGridServices(OutOfRangeBehavior.AssumeWeekendsOnly)</c> (what long simulations do), or a calendar
/// with further years loaded from holiday-cn files.</para>
/// </summary>
public sealed class ParkGridServices : IServiceProvider
{
    private readonly IServiceProvider? _fallback;

    /// <param name="calendar">The working-day calendar (default: the embedded Chinese calendar, throwing out of range).</param>
    /// <param name="kpiOptions">KPI report options (default: <see cref="KpiOptions.Default"/>).</param>
    /// <param name="fallback">Asked for any other service a grain constructor needs.</param>
    public ParkGridServices(WorkingDayCalendar? calendar = null, KpiOptions? kpiOptions = null, IServiceProvider? fallback = null, IDomainEventSink? events = null)
    {
        Calendar = calendar ?? WorkingDayCalendar.China;
        KpiOptions = kpiOptions ?? KpiOptions.Default;
        Events = events ?? NoDomainEvents.Instance;
        _fallback = fallback;
    }

    /// <summary>The embedded Chinese calendar with an explicit out-of-range behaviour.</summary>
    public ParkGridServices(OutOfRangeBehavior outOfRange, KpiOptions? kpiOptions = null, IServiceProvider? fallback = null, IDomainEventSink? events = null)
        : this(WorkingDayCalendar.China.WithOutOfRange(outOfRange), kpiOptions, fallback, events)
    {
    }

    public WorkingDayCalendar Calendar { get; }

    public KpiOptions KpiOptions { get; }

    /// <summary>Where grains announce changes (default: nowhere).</summary>
    public IDomainEventSink Events { get; }

    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(WorkingDayCalendar)) return Calendar;
        if (serviceType == typeof(KpiOptions)) return KpiOptions;
        if (serviceType == typeof(IDomainEventSink)) return Events;
        if (serviceType == typeof(ParkGridServices) || serviceType == typeof(IServiceProvider)) return this;
        return _fallback?.GetService(serviceType);
    }
}
