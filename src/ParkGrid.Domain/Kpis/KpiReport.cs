namespace ParkGrid.Domain.Kpis;

/// <summary>A department's KPIs and rating (三评).</summary>
public sealed record DepartmentKpi(
    string DepartmentId,
    int Cases,
    double? RectifyOnTimeRate,
    double? SatisfactionRate,
    double? ReopenRate,
    EscalationCounts Escalations,
    DepartmentRating Rating);

/// <summary>The clean-park index and its parts (0–100, higher is cleaner; null where there is no data).</summary>
public sealed record CleanParkIndex(
    double? Score,
    IReadOnlyDictionary<CleanParkDimension, double?> Dimensions,
    IReadOnlyDictionary<CleanParkIndicator, double?> Indicators);

/// <summary>
/// The KPIs of a park or district, computed from a <see cref="KpiTally"/> (definitions on each tally field and in
/// docs/domain.md). Rates are in [0, 1] and null when nothing could be judged.
/// </summary>
public sealed record KpiReport
{
    public int Cases { get; init; }
    public int OpenCases { get; init; }
    public int OpenOverdueCases { get; init; }

    /// <summary>三率 — response rate (响应率): acknowledgment clocks met ÷ acknowledgment clocks decided.</summary>
    public double? ResponseRate { get; init; }

    /// <summary>三率 — resolution rate (解决率): cases resolved ÷ cases with a follow-up verdict.</summary>
    public double? ResolutionRate { get; init; }

    /// <summary>三率 — satisfaction rate (满意率): rated cases whose last score ≥ SatisfiedScore ÷ rated cases.</summary>
    public double? SatisfactionRate { get; init; }

    /// <summary>Time to resolve in working days (receipt to resolution, receipt day not counted), nearest-rank median.</summary>
    public int? TimeToResolveP50 { get; init; }

    /// <summary>Time to resolve, nearest-rank 90th percentile.</summary>
    public int? TimeToResolveP90 { get; init; }

    /// <summary>Share of decided SLA clocks that breached.</summary>
    public double? OverdueRate { get; init; }

    public EscalationCounts Escalations { get; init; }

    /// <summary>Visits (doors entered, after joint-inspection merging) per enterprise per quarter.</summary>
    public double? InspectionsPerEnterpriseQuarter { get; init; }

    /// <summary>Inspections before merging per enterprise per quarter.</summary>
    public double? RawInspectionsPerEnterpriseQuarter { get; init; }

    public int EnterpriseQuartersOverThreshold { get; init; }

    /// <summary>Subsidies paid within grace ÷ subsidies decided.</summary>
    public double? SubsidyOnTimeRate { get; init; }

    /// <summary>Mean subsidy delay in working days.</summary>
    public double? SubsidyDelayMean { get; init; }

    /// <summary>Nearest-rank 90th percentile of subsidy delay in working days.</summary>
    public int? SubsidyDelayP90 { get; init; }

    public int SubsidiesOverdue { get; init; }

    /// <summary>Cases reopened at least once ÷ cases with a follow-up verdict.</summary>
    public double? ReopenRate { get; init; }

    /// <summary>Supervisor visits made ÷ visit capacity.</summary>
    public double? SupervisorUtilisation { get; init; }

    /// <summary>Enterprise satisfaction 0–100: the mean over enterprises of each enterprise's mean last follow-up score
    /// (an enterprise with many cases counts once).</summary>
    public double? EnterpriseSatisfaction { get; init; }

    public IReadOnlyDictionary<string, DepartmentKpi> Departments { get; init; } = new Dictionary<string, DepartmentKpi>();

    public CleanParkIndex CleanPark { get; init; } = new(null, new Dictionary<CleanParkDimension, double?>(), new Dictionary<CleanParkIndicator, double?>());
}
