using NodaTime;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Simulations;

/// <summary>
/// A what-if scenario as read from a YAML file (see docs/simulation.md for the format). Every behaviour parameter lives
/// here, not in code. Durations are in (calendar) days unless a name says otherwise.
/// </summary>
public sealed record Scenario
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>The file it was read from (for messages and the manifest), if any.</summary>
    public string? SourceFile { get; init; }

    /// <summary>SHA-256 of the file's bytes (hex), the manifest's key to the exact scenario.</summary>
    public string Hash { get; init; } = "";

    public required LocalDate Start { get; init; }
    public int HorizonDays { get; init; } = 365;
    public int WarmupDays { get; init; }
    public int Replications { get; init; } = 10;
    public ulong Seed { get; init; } = 1;
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>Idle domain grains are collected after this many days (keeps memory bounded on large scenarios).</summary>
    public int CollectionAgeDays { get; init; } = 30;

    public required DistrictSpec District { get; init; }
    public required IReadOnlyList<ParkSpec> Parks { get; init; }
    public required IReadOnlyList<DepartmentSpec> Departments { get; init; }

    /// <summary>Problems arising per enterprise per year, by category.</summary>
    public required IReadOnlyDictionary<CaseCategory, double> ProblemRates { get; init; }

    public ChannelSpec Channels { get; init; } = new();
    public BehaviourSpec Behaviour { get; init; } = new();

    /// <summary>The policies to compare: the first is the baseline.</summary>
    public required IReadOnlyList<PolicySpec> Policies { get; init; }

    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZone];
    public Instant StartInstant => Zone.AtStartOfDay(Start).ToInstant();
    public Instant WarmupEnd => StartInstant + Duration.FromDays(WarmupDays);
    public Instant End => StartInstant + Duration.FromDays(HorizonDays);

    public int EnterpriseCount => Parks.Sum(p => p.EnterpriseCount);

    /// <summary>The department that handles a category (the first that lists it; else the first department).</summary>
    public string DepartmentFor(CaseCategory category)
    {
        foreach (var d in Departments)
            if (d.Categories.Contains(category)) return d.Id;
        return Departments[0].Id;
    }
}

public sealed record DistrictSpec(string Id, string Name, int Supervisors, double VisitCapacityPerWeek);

/// <summary>A park: enterprises generated from a count (ids prefix-0001 …) or listed explicitly.</summary>
public sealed record ParkSpec(
    string Id,
    string Name,
    string Prefix,
    int GeneratedEnterprises,
    IReadOnlyList<EnterpriseSpec> ExplicitEnterprises,
    int ContactPoints,
    IReadOnlyDictionary<string, double> IndustryMix,
    double AboveDesignatedSizeShare)
{
    public int EnterpriseCount => GeneratedEnterprises + ExplicitEnterprises.Count;

    public IEnumerable<string> EnterpriseIds()
    {
        foreach (var e in ExplicitEnterprises) yield return e.Id;
        for (var i = 1; i <= GeneratedEnterprises; i++) yield return $"{Prefix}-{i:00000}";
    }
}

public sealed record EnterpriseSpec(string Id, string Name, string Industry, bool AboveDesignatedSize);

/// <summary>A department (职能部门): case handlers (a queue forms beyond them), handling time, inspections, categories it handles.</summary>
public sealed record DepartmentSpec(
    string Id,
    string Name,
    int Handlers,
    DistributionSpec HandlingDays,
    double InspectionsPerEnterprisePerYear,
    IReadOnlySet<CaseCategory> Categories);

/// <summary>How problems reach the supervisors: each channel's probability per day that a latent problem is reported through it,
/// and the probability a contact point visit finds it.</summary>
public sealed record ChannelSpec
{
    public IReadOnlyDictionary<CaseChannel, double> PerDay { get; init; } = new Dictionary<CaseChannel, double>
    {
        [CaseChannel.Hotline12345] = 0.01,
        [CaseChannel.QrCode] = 0.005,
    };

    public double FoundAtVisit { get; init; } = 0.8;
}

/// <summary>Behaviour of the people in the model.</summary>
public sealed record BehaviourSpec
{
    /// <summary>Days from receipt to the start of verification.</summary>
    public DistributionSpec AckDays { get; init; } = DistributionSpec.Exponential(0.5);

    /// <summary>Days of verification (研判) until the finding.</summary>
    public DistributionSpec VerifyDays { get; init; } = DistributionSpec.FromQuantiles(3, 8);

    /// <summary>Share of cases found substantiated (基本属实), overall or by category.</summary>
    public double SubstantiatedShare { get; init; } = 0.7;
    public IReadOnlyDictionary<CaseCategory, double> SubstantiatedByCategory { get; init; } = new Dictionary<CaseCategory, double>();

    /// <summary>Each escalation step already on a case when a handler starts it divides its handling time by (1 + this).</summary>
    public double EscalationSpeedup { get; init; } = 0.2;

    /// <summary>With fault tolerance in the policy, the share of escalated cases whose department declares a good-faith error.</summary>
    public double GoodFaithShare { get; init; } = 0.3;

    /// <summary>"fcfs" (first come first served) or "escalated-first" (higher escalation level first, then FCFS).</summary>
    public string Queue { get; init; } = "fcfs";

    /// <summary>Satisfaction scores an enterprise gives at a follow-up (solved / not solved).</summary>
    public int SatisfiedScore { get; init; } = 90;
    public int UnsatisfiedScore { get; init; } = 40;

    /// <summary>Satisfaction dynamics: points the "solved" score loses per day the case has been open when its follow-up falls due,
    /// and per escalation step it reached (never below the unsatisfied score). 0 and 0: fixed scores.</summary>
    public double SatisfactionLossPerDay { get; init; }
    public double SatisfactionLossPerEscalation { get; init; }

    public bool SatisfactionDynamics => SatisfactionLossPerDay > 0 || SatisfactionLossPerEscalation > 0;

    public double SubstantiatedFor(CaseCategory category) =>
        SubstantiatedByCategory.TryGetValue(category, out var s) ? s : SubstantiatedShare;
}

/// <summary>A policy to compare: overrides of the domain <c>Policy</c> fields (text, as <c>Policy.WithOverrides</c> takes them)
/// and optionally of behaviour (<c>queue</c>, <c>escalationSpeedup</c>, <c>goodFaithShare</c>, <c>handlers.&lt;dept&gt;</c>).</summary>
public sealed record PolicySpec(string Name, IReadOnlyList<KeyValuePair<string, string>> Overrides, IReadOnlyList<KeyValuePair<string, string>> BehaviourOverrides);

/// <summary>A distribution of a duration in days.</summary>
public sealed record DistributionSpec(string Kind, double A, double B = 0)
{
    public static DistributionSpec Constant(double value) => new("constant", value);
    public static DistributionSpec Exponential(double mean) => new("exponential", mean);

    /// <summary>Log-normal with the given median and 90th percentile.</summary>
    public static DistributionSpec FromQuantiles(double median, double p90) =>
        new("lognormal", Math.Log(median), (Math.Log(p90) - Math.Log(median)) / 1.2815515655446004);

    public double Mean => Kind switch
    {
        "constant" => A,
        "exponential" => A,
        "lognormal" => Math.Exp(A + B * B / 2),
        "gamma" => A / B,
        "uniform" => (A + B) / 2,
        "weibull" => B * MathNet.Numerics.SpecialFunctions.Gamma(1 + 1 / A),
        _ => double.NaN,
    };

    /// <summary>Draws a value (days, ≥ 0) with a MathNet distribution from the given seeded stream.</summary>
    public double Sample(Random random) => Kind switch
    {
        "constant" => A,
        "exponential" => A <= 0 ? 0 : MathNet.Numerics.Distributions.Exponential.Sample(random, 1 / A),
        "lognormal" => MathNet.Numerics.Distributions.LogNormal.Sample(random, A, B),
        "gamma" => MathNet.Numerics.Distributions.Gamma.Sample(random, A, B),
        "uniform" => MathNet.Numerics.Distributions.ContinuousUniform.Sample(random, A, B),
        "weibull" => MathNet.Numerics.Distributions.Weibull.Sample(random, A, B),
        _ => throw new InvalidOperationException($"Unknown distribution {Kind}."),
    };

    public override string ToString() => Kind switch
    {
        "constant" => $"constant {A}",
        "exponential" => $"exponential(mean {A})",
        "lognormal" => $"lognormal(median {Math.Exp(A):0.##}, p90 {Math.Exp(A + 1.2815515655446004 * B):0.##})",
        _ => $"{Kind}({A}, {B})",
    };
}
