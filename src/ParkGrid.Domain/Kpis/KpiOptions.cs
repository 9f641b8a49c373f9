using System.Collections.Immutable;

namespace ParkGrid.Domain.Kpis;

/// <summary>A department's rating in the 三评 evaluation (seed 003: 评单位、评局长、评股长, graded 优秀/合格/不合格).</summary>
public enum DepartmentRating
{
    [ChineseLabel("未评")] NotRated,
    [ChineseLabel("优秀")] Excellent,
    [ChineseLabel("合格")] Qualified,
    [ChineseLabel("不合格")] Unqualified,
}

/// <summary>
/// Thresholds of the department rating. Seed 003 describes the three grades but publishes no thresholds: these are
/// ParkGrid's, configurable. Rules, applied to a department's rectification on-time rate, satisfaction rate and
/// escalations (a rate with no data does not count against it):
/// <list type="bullet">
/// <item>NotRated — no decided rectification clock and no rated case;</item>
/// <item>Unqualified — on-time &lt; <see cref="UnqualifiedOnTimeBelow"/>, or satisfaction &lt; <see cref="UnqualifiedSatisfactionBelow"/>,
///   or any accountability referral (step 4);</item>
/// <item>Excellent — on-time ≥ <see cref="ExcellentOnTimeAtLeast"/> and satisfaction ≥ <see cref="ExcellentSatisfactionAtLeast"/>
///   and no interview or accountability referral (steps 3–4);</item>
/// <item>Qualified — otherwise.</item>
/// </list>
/// </summary>
public sealed record DepartmentRatingOptions
{
    public double ExcellentOnTimeAtLeast { get; init; } = 0.95;
    public double ExcellentSatisfactionAtLeast { get; init; } = 0.90;
    public double UnqualifiedOnTimeBelow { get; init; } = 0.80;
    public double UnqualifiedSatisfactionBelow { get; init; } = 0.60;
}

/// <summary>The four dimensions of a clean park (清廉园区; seed 002, Chenzhou: 政治清明、权责清晰、政商亲清、队伍清正).</summary>
public enum CleanParkDimension
{
    [ChineseLabel("政治清明")] PoliticalClarity,
    [ChineseLabel("权责清晰")] ClearResponsibilities,
    [ChineseLabel("政商亲清")] CordialAndCleanRelations,
    [ChineseLabel("队伍清正")] UprightCadres,
}

/// <summary>The indicators (each in [0, 1], 1 best) the clean-park index is built from, and their dimension.</summary>
public enum CleanParkIndicator
{
    /// <summary>政治清明: subsidies paid within grace / subsidies decided — promises to enterprises honoured.</summary>
    [ChineseLabel("奖补按期兑现率")] SubsidyOnTime,
    /// <summary>政治清明: 1 − min(1, substantiated policy cases (惠企政策落实不到位, 新官不理旧账, 奖补资金兑现不及时) per enterprise ÷ cap).</summary>
    [ChineseLabel("政策落实")] PolicyDelivery,
    /// <summary>权责清晰: the response rate (响应率).</summary>
    [ChineseLabel("响应率")] Response,
    /// <summary>权责清晰: 1 − the overdue rate of SLA clocks.</summary>
    [ChineseLabel("按期办理率")] OnTime,
    /// <summary>政商亲清: the satisfaction rate (满意率).</summary>
    [ChineseLabel("满意率")] Satisfaction,
    /// <summary>政商亲清: the resolution rate (解决率).</summary>
    [ChineseLabel("解决率")] Resolution,
    /// <summary>政商亲清: 1 − enterprise-quarters over the inspection threshold ÷ enterprise-quarters.</summary>
    [ChineseLabel("涉企检查合规")] InspectionRestraint,
    /// <summary>队伍清正: 1 − min(1, substantiated integrity cases (吃拿卡要, 违规吃喝/收送礼金) per enterprise ÷ cap).</summary>
    [ChineseLabel("廉洁")] Integrity,
    /// <summary>队伍清正: 1 − cases referred for accountability ÷ substantiated cases.</summary>
    [ChineseLabel("未被问责")] NoAccountability,
}

/// <summary>
/// Weights and caps of the clean-park index. <b>No public formula exists</b> for a clean-park index: Chenzhou (seed 002)
/// names the four dimensions and says each has concrete standards and a negative list, without publishing a score.
/// ParkGrid's formula, stated here and in docs/domain.md, is therefore its own, and every weight is configurable:
/// <code>
/// indicator x_i ∈ [0, 1] (1 best), or "no data" when its denominator is 0;
/// dimension D = 100 × Σ_{i ∈ D, with data} w_i·x_i ÷ Σ_{i ∈ D, with data} w_i       (no data if no indicator has data)
/// index      = Σ_{D with data} W_D·D ÷ Σ_{D with data} W_D                           (no data if no dimension has data)
/// </code>
/// Default dimension weights are equal (¼ each); indicator weights within a dimension are equal except where noted.
/// </summary>
public sealed record CleanParkIndexOptions
{
    public ImmutableDictionary<CleanParkDimension, double> DimensionWeights { get; init; } = new Dictionary<CleanParkDimension, double>
    {
        [CleanParkDimension.PoliticalClarity] = 0.25,
        [CleanParkDimension.ClearResponsibilities] = 0.25,
        [CleanParkDimension.CordialAndCleanRelations] = 0.25,
        [CleanParkDimension.UprightCadres] = 0.25,
    }.ToImmutableDictionary();

    public ImmutableDictionary<CleanParkIndicator, double> IndicatorWeights { get; init; } = new Dictionary<CleanParkIndicator, double>
    {
        [CleanParkIndicator.SubsidyOnTime] = 1,
        [CleanParkIndicator.PolicyDelivery] = 1,
        [CleanParkIndicator.Response] = 1,
        [CleanParkIndicator.OnTime] = 1,
        [CleanParkIndicator.Satisfaction] = 1,
        [CleanParkIndicator.Resolution] = 1,
        [CleanParkIndicator.InspectionRestraint] = 1,
        // Integrity weighs more than the accountability indicator: a substantiated 吃拿卡要 is the core failure.
        [CleanParkIndicator.Integrity] = 2,
        [CleanParkIndicator.NoAccountability] = 1,
    }.ToImmutableDictionary();

    /// <summary>Substantiated policy cases per enterprise at which <see cref="CleanParkIndicator.PolicyDelivery"/> reaches 0.</summary>
    public double PolicyCasesPerEnterpriseCap { get; init; } = 0.2;

    /// <summary>Substantiated integrity cases per enterprise at which <see cref="CleanParkIndicator.Integrity"/> reaches 0.</summary>
    public double IntegrityCasesPerEnterpriseCap { get; init; } = 0.1;

    /// <summary>The dimension each indicator belongs to (fixed).</summary>
    public static CleanParkDimension DimensionOf(CleanParkIndicator indicator) => indicator switch
    {
        CleanParkIndicator.SubsidyOnTime or CleanParkIndicator.PolicyDelivery => CleanParkDimension.PoliticalClarity,
        CleanParkIndicator.Response or CleanParkIndicator.OnTime => CleanParkDimension.ClearResponsibilities,
        CleanParkIndicator.Satisfaction or CleanParkIndicator.Resolution or CleanParkIndicator.InspectionRestraint => CleanParkDimension.CordialAndCleanRelations,
        CleanParkIndicator.Integrity or CleanParkIndicator.NoAccountability => CleanParkDimension.UprightCadres,
        _ => throw new ArgumentOutOfRangeException(nameof(indicator), indicator, null),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when a weight is negative or not finite, a
    /// dimension's weights are all zero, or a cap is not positive.</summary>
    public CleanParkIndexOptions EnsureValid()
    {
        foreach (var (dimension, weight) in DimensionWeights)
            if (!double.IsFinite(weight) || weight < 0)
                throw new ArgumentException($"cleanPark.dimensionWeights.{dimension}: {weight} must be a finite number ≥ 0.");
        foreach (var (indicator, weight) in IndicatorWeights)
            if (!double.IsFinite(weight) || weight < 0)
                throw new ArgumentException($"cleanPark.indicatorWeights.{indicator}: {weight} must be a finite number ≥ 0.");
        if (DimensionWeights.Values.Sum() <= 0)
            throw new ArgumentException("cleanPark.dimensionWeights: at least one dimension needs a positive weight.");
        if (!(PolicyCasesPerEnterpriseCap > 0)) throw new ArgumentException($"cleanPark.policyCasesPerEnterpriseCap: {PolicyCasesPerEnterpriseCap} must be > 0.");
        if (!(IntegrityCasesPerEnterpriseCap > 0)) throw new ArgumentException($"cleanPark.integrityCasesPerEnterpriseCap: {IntegrityCasesPerEnterpriseCap} must be > 0.");
        return this;
    }
}

/// <summary>Options of the KPI report.</summary>
public sealed record KpiOptions
{
    public static KpiOptions Default { get; } = new();

    /// <summary>A follow-up score (0–100) at or above this counts as satisfied (满意 or 基本满意) in the satisfaction rate.
    /// Default 60 — ParkGrid's reading of 12345 practice where 基本满意 counts as satisfied; configurable.</summary>
    public int SatisfiedScore { get; init; } = 60;

    public DepartmentRatingOptions DepartmentRating { get; init; } = new();

    public CleanParkIndexOptions CleanPark { get; init; } = new();
}
