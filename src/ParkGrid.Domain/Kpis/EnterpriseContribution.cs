namespace ParkGrid.Domain.Kpis;

/// <summary>
/// An enterprise's part of its park's KPI tally: its inspections and visits under the policy, its enterprise-quarters over
/// the burden threshold, and its paid subsidies. An enterprise reports it after every inspection and payment and keeps the
/// last one it reported, so it is one small record rather than a whole <see cref="KpiTally"/> (whose other fields an
/// enterprise never fills). <see cref="ToTally"/> gives the equivalent tally. Its fields are named as the tally's, so an
/// enterprise state stored with its part as a tally (before this type existed) reads back as this.
/// </summary>
public sealed record EnterpriseContribution
{
    /// <summary>Nothing yet (what a park holds for an enterprise before its first report).</summary>
    public static EnterpriseContribution None { get; } = new();

    public int Inspections { get; init; }
    public int InspectionVisits { get; init; }

    /// <summary>Its enterprise-quarters with more visits than the burden threshold.</summary>
    public int EnterpriseQuartersOverThreshold { get; init; }

    /// <summary>Paid subsidies: paid within grace / paid.</summary>
    public Ratio SubsidyOnTime { get; init; }

    /// <summary>Delay in working days of each paid subsidy.</summary>
    public Histogram SubsidyDelay { get; init; } = Histogram.Empty;

    public KpiTally ToTally() => KpiTally.Empty with
    {
        Inspections = Inspections,
        InspectionVisits = InspectionVisits,
        EnterpriseQuartersOverThreshold = EnterpriseQuartersOverThreshold,
        SubsidyOnTime = SubsidyOnTime,
        SubsidyDelay = SubsidyDelay,
    };
}
