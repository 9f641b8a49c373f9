using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using NodaTime.Text;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Domain.Policies;

/// <summary>One problem with a policy: the field (camelCase, as in scenario files) and what is wrong.</summary>
public sealed record PolicyError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A policy failed validation; <see cref="Errors"/> lists every problem.</summary>
public sealed class PolicyValidationException(string policy, IReadOnlyList<PolicyError> errors)
    : Exception($"Policy '{policy}' is invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}

/// <summary>
/// A named, versioned set of rule parameters held by a district. Durations in <b>working days</b> use the
/// Chinese working-day calendar (start day not counted, deadline at 24:00 of the last day); durations given as a
/// NodaTime <see cref="Period"/> are calendar periods (e.g. P1M, P14D).
/// Override with <c>with { … }</c>, <see cref="WithRectifyWithin"/> or <see cref="WithOverrides"/>, then
/// <see cref="EnsureValid"/>. Changing the policy in force affects only clocks started afterwards (each clock stores its N).
/// <para>Defaults: where a seed report (shared/seeds) gives a figure or a practice, the comment names it; every
/// other number is ParkGrid's assumption — no public source fixes it — and is marked so. Scenarios override them.</para>
/// </summary>
public sealed record Policy
{
    /// <summary>The rectification defaults per category (assumptions, see <see cref="RectifyWithin"/>). Declared before
    /// <see cref="Default"/> so that static initialisation sees it.</summary>
    public static ImmutableDictionary<CaseCategory, int> DefaultRectifyWithin { get; } = new Dictionary<CaseCategory, int>
    {
        [CaseCategory.SubsidyNotPaidOnTime] = 10,
        [CaseCategory.PolicyNotImplemented] = 15,
        [CaseCategory.TooManyInspections] = 15,
        [CaseCategory.SlowApproval] = 10,
        [CaseCategory.DemandingFavours] = 20,
        [CaseCategory.NewOfficialsIgnoreOldCommitments] = 30,
        [CaseCategory.ImproperBanquetsOrGifts] = 20,
        [CaseCategory.UtilitiesAndLand] = 30,
        [CaseCategory.Financing] = 20,
    }.ToImmutableDictionary();

    /// <summary>The default baseline policy.</summary>
    public static Policy Default { get; } = new();

    /// <summary>The policy's name, e.g. "baseline", "joint-inspection".</summary>
    public string Name { get; init; } = "baseline";

    /// <summary>Version, ≥ 1; a district bumps it on every change.</summary>
    public int Version { get; init; } = 1;

    /// <summary>How often a contact point's supervisor visits each covered enterprise (calendar period).
    /// Default P1M — seed 004: 吴刚良"每个月都会进企业"; seed 001: 落实"一月一监督"常态化督查.</summary>
    public Period VisitCadence { get; init; } = Period.FromMonths(1);

    /// <summary>Working days from receipt to acknowledgment (start of verification).
    /// Default 1 — seed 003 "接诉即办、优先处置", seed 002 "有诉即应"; the figure 1 is an assumption.</summary>
    public int AckWithin { get; init; } = 1;

    /// <summary>Working days for verification (研判) to reach a finding. Default 10 — assumption.</summary>
    public int VerifyWithin { get; init; } = 10;

    /// <summary>Working days for rectification when <see cref="RectifyWithin"/> has no entry for the category.
    /// Default 15 — anchored on seed 001, where a case praised as fast went from exposure to completed
    /// rectification in 16 calendar days (≈ 12 working days); 15 is an assumption.</summary>
    public int RectifyWithinDefault { get; init; } = 15;

    /// <summary>Working days for rectification per category (整改时限). Defaults are assumptions: quick for money and
    /// approvals, longer where an investigation or historical commitments are involved.</summary>
    public ImmutableDictionary<CaseCategory, int> RectifyWithin { get; init; } = DefaultRectifyWithin;

    /// <summary>Working days after the rectification report when the follow-up (回访, seed 000) is due. Default 10 — assumption.</summary>
    public int FollowUpAfter { get; init; } = 10;

    /// <summary>Working days between escalation steps of a breached clock (提醒函 → 督办书 → 约谈 → 问责).
    /// Default 5 (one working week) — assumption; seed 003 names 督办书、提醒函, seed 001 提醒谈话/约谈/诫勉.</summary>
    public int EscalationStep { get; init; } = 5;

    /// <summary>Joint inspection (联合执法, "进一次门、查多项事", seed 000): inspections of one enterprise by different
    /// departments within <see cref="JointInspectionWindow"/> merge into one visit. Default off (the baseline to compare against).</summary>
    public bool JointInspection { get; init; }

    /// <summary>The merge window of joint inspection (calendar period). Default P1M — seed 002: 郴州经开区"每月开展一次联合督查".</summary>
    public Period JointInspectionWindow { get; init; } = Period.FromMonths(1);

    /// <summary>An enterprise receiving more than this many inspection visits in a quarter raises a "too many
    /// inspections" case. Default 3 — assumption (seed 000 reports the complaint "检查太多了,迎检负担很重" without a figure).</summary>
    public int InspectionBurdenThreshold { get; init; } = 3;

    /// <summary>Working days after its promised date a subsidy may stay unpaid before a case is raised.
    /// Default 20 — assumption (seeds 000/002 report 资金兑现不及时 / 奖补资金发放未落地 without a figure).</summary>
    public int SubsidyGrace { get; init; } = 20;

    /// <summary>Share (0–1] of enterprises covered by a contact point (营商环境监督联系点).
    /// Default 1.0 — seed 004: every above-designated-size industrial enterprise has a commissioner (驻企特派员).</summary>
    public double ContactPointCoverage { get; init; } = 1.0;

    /// <summary>Supervisors (廉情监督员) available for visits. Default 117 — seed 002: Jiangbei district "安排117名廉情监督员下沉产业园区".</summary>
    public int Supervisors { get; init; } = 117;

    /// <summary>Fault tolerance (容错纠错, seeds 002–004: "三个区分开来"): a good-faith error corrected within
    /// <see cref="FaultToleranceGrace"/> stops the escalation ladder at step 1. Default on — all three seeds describe it in force.</summary>
    public bool FaultTolerance { get; init; } = true;

    /// <summary>Working days after a breach within which a good-faith error must be corrected. Default 10 — assumption.</summary>
    public int FaultToleranceGrace { get; init; } = 10;

    /// <summary>Look-back (整改回头看) of inspection-tour findings after closure (calendar period).
    /// Default P3M — seed 001: "三个月后巡察整改回头看".</summary>
    public Period LookBackAfter { get; init; } = Period.FromMonths(3);


    /// <summary>The rectification time for <paramref name="category"/> in working days.</summary>
    public int RectifyWithinFor(CaseCategory category) =>
        RectifyWithin.TryGetValue(category, out var days) ? days : RectifyWithinDefault;

    /// <summary>The SLA length of a clock kind for a case of <paramref name="category"/>.</summary>
    public int WorkingDaysFor(SlaKind kind, CaseCategory category) => kind switch
    {
        SlaKind.Acknowledge => AckWithin,
        SlaKind.Verify => VerifyWithin,
        SlaKind.Rectify => RectifyWithinFor(category),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A copy with the rectification time of one category set.</summary>
    public Policy WithRectifyWithin(CaseCategory category, int workingDays) =>
        this with { RectifyWithin = RectifyWithin.SetItem(category, workingDays) };

    /// <summary>Every problem with this policy (empty when valid).</summary>
    public IReadOnlyList<PolicyError> Validate()
    {
        var errors = new List<PolicyError>();
        void Range(string field, double value, double min, double max, string unit)
        {
            if (double.IsNaN(value) || value < min || value > max)
                errors.Add(new PolicyError(field, $"{value.ToString(CultureInfo.InvariantCulture)} is out of range: must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} {unit}"));
        }

        void CalendarPeriod(string field, Period? value, int maxDays)
        {
            if (value is null)
            {
                errors.Add(new PolicyError(field, "is required"));
                return;
            }

            if (value.HasTimeComponent)
                errors.Add(new PolicyError(field, $"{value} has a time part; use days, weeks, months or years (e.g. P14D, P1M)"));
            else if (value.Years < 0 || value.Months < 0 || value.Weeks < 0 || value.Days < 0)
                errors.Add(new PolicyError(field, $"{value} is negative"));
            else
            {
                var days = ApproximateDays(value);
                if (days < 1) errors.Add(new PolicyError(field, $"{value} is empty: must be at least one day"));
                else if (days > maxDays) errors.Add(new PolicyError(field, $"{value} is longer than {maxDays} days"));
            }
        }

        if (string.IsNullOrWhiteSpace(Name)) errors.Add(new PolicyError("name", "must not be empty"));
        if (Version < 1) errors.Add(new PolicyError("version", $"{Version} must be at least 1"));
        CalendarPeriod("visitCadence", VisitCadence, 366);
        Range("ackWithin", AckWithin, 1, 60, "working days");
        Range("verifyWithin", VerifyWithin, 1, 120, "working days");
        Range("rectifyWithinDefault", RectifyWithinDefault, 1, 250, "working days");
        if (RectifyWithin is null)
            errors.Add(new PolicyError("rectifyWithin", "is required"));
        else
        {
            foreach (var (category, days) in RectifyWithin.OrderBy(kv => kv.Key))
            {
                if (!Enum.IsDefined(category)) errors.Add(new PolicyError($"rectifyWithin.{category}", "is not a known category"));
                else Range($"rectifyWithin.{category}", days, 1, 250, "working days");
            }
        }

        Range("followUpAfter", FollowUpAfter, 0, 120, "working days");
        Range("escalationStep", EscalationStep, 1, 60, "working days");
        CalendarPeriod("jointInspectionWindow", JointInspectionWindow, 92);
        Range("inspectionBurdenThreshold", InspectionBurdenThreshold, 1, 100, "inspections per quarter");
        Range("subsidyGrace", SubsidyGrace, 0, 250, "working days");
        if (double.IsNaN(ContactPointCoverage) || ContactPointCoverage <= 0 || ContactPointCoverage > 1)
            errors.Add(new PolicyError("contactPointCoverage", $"{ContactPointCoverage.ToString(CultureInfo.InvariantCulture)} must be a share in (0, 1]"));
        Range("supervisors", Supervisors, 1, 100_000, "people");
        Range("faultToleranceGrace", FaultToleranceGrace, 0, 120, "working days");
        CalendarPeriod("lookBackAfter", LookBackAfter, 3 * 366);
        return errors;
    }

    /// <summary>Returns this policy if valid; throws <see cref="PolicyValidationException"/> listing every problem otherwise.</summary>
    public Policy EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new PolicyValidationException(Name, errors);
    }

    /// <summary>
    /// A copy with fields overridden from text, as scenario files name them: camelCase field names
    /// (case-insensitive), <c>rectifyWithin.&lt;Category&gt;</c> for one category, integers, booleans,
    /// invariant-culture decimals and ISO periods (P1M, P14D). Unknown fields and unparsable values throw
    /// <see cref="PolicyValidationException"/> naming the field. The result is validated.
    /// </summary>
    public Policy WithOverrides(IEnumerable<KeyValuePair<string, string>> overrides)
    {
        var policy = this;
        var errors = new List<PolicyError>();
        foreach (var (rawField, value) in overrides)
        {
            var field = rawField.Trim();
            try
            {
                policy = Apply(policy, field, value.Trim());
            }
            catch (FormatException e)
            {
                errors.Add(new PolicyError(field, e.Message));
            }
        }

        if (errors.Count > 0) throw new PolicyValidationException(policy.Name, errors);
        return policy.EnsureValid();
    }

    private static Policy Apply(Policy p, string field, string value)
    {
        const string rectifyPrefix = "rectifyWithin.";
        if (field.StartsWith(rectifyPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = field[rectifyPrefix.Length..];
            if (!Enum.TryParse<CaseCategory>(name, ignoreCase: true, out var category) || !Enum.IsDefined(category) || int.TryParse(name, out _))
                throw new FormatException($"'{name}' is not a category (expected one of {string.Join(", ", Enum.GetNames<CaseCategory>())})");
            return p.WithRectifyWithin(category, Int(value));
        }

        return field.ToLowerInvariant() switch
        {
            "name" => p with { Name = value },
            "version" => p with { Version = Int(value) },
            "visitcadence" => p with { VisitCadence = Per(value) },
            "ackwithin" => p with { AckWithin = Int(value) },
            "verifywithin" => p with { VerifyWithin = Int(value) },
            "rectifywithin" or "rectifywithindefault" => p with { RectifyWithinDefault = Int(value) },
            "followupafter" => p with { FollowUpAfter = Int(value) },
            "escalationstep" => p with { EscalationStep = Int(value) },
            "jointinspection" => p with { JointInspection = Bool(value) },
            "jointinspectionwindow" => p with { JointInspectionWindow = Per(value) },
            "inspectionburdenthreshold" => p with { InspectionBurdenThreshold = Int(value) },
            "subsidygrace" => p with { SubsidyGrace = Int(value) },
            "contactpointcoverage" => p with { ContactPointCoverage = Dbl(value) },
            "supervisors" => p with { Supervisors = Int(value) },
            "faulttolerance" => p with { FaultTolerance = Bool(value) },
            "faulttolerancegrace" => p with { FaultToleranceGrace = Int(value) },
            "lookbackafter" => p with { LookBackAfter = Per(value) },
            _ => throw new FormatException("is not a policy field"),
        };

        static int Int(string v) => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new FormatException($"'{v}' is not an integer");
        static double Dbl(string v) => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"'{v}' is not a number");
        static bool Bool(string v) => bool.TryParse(v, out var b) ? b : throw new FormatException($"'{v}' is not true or false");
        static Period Per(string v)
        {
            var r = PeriodPattern.NormalizingIso.Parse(v);
            return r.Success ? r.Value : throw new FormatException($"'{v}' is not an ISO 8601 period such as P1M or P14D");
        }
    }

    private static int ApproximateDays(Period p) => p.Years * 365 + p.Months * 30 + p.Weeks * 7 + p.Days;

    /// <summary>Value equality, including the contents of <see cref="RectifyWithin"/>.</summary>
    public bool Equals(Policy? other) =>
        other is not null &&
        Name == other.Name && Version == other.Version && VisitCadence == other.VisitCadence &&
        AckWithin == other.AckWithin && VerifyWithin == other.VerifyWithin && RectifyWithinDefault == other.RectifyWithinDefault &&
        RectifyWithin.Count == other.RectifyWithin.Count &&
        RectifyWithin.All(kv => other.RectifyWithin.TryGetValue(kv.Key, out var v) && v == kv.Value) &&
        FollowUpAfter == other.FollowUpAfter && EscalationStep == other.EscalationStep &&
        JointInspection == other.JointInspection && JointInspectionWindow == other.JointInspectionWindow &&
        InspectionBurdenThreshold == other.InspectionBurdenThreshold && SubsidyGrace == other.SubsidyGrace &&
        ContactPointCoverage.Equals(other.ContactPointCoverage) && Supervisors == other.Supervisors &&
        FaultTolerance == other.FaultTolerance && FaultToleranceGrace == other.FaultToleranceGrace &&
        LookBackAfter == other.LookBackAfter;

    public override int GetHashCode() => HashCode.Combine(Name, Version, AckWithin, RectifyWithinDefault, EscalationStep, JointInspection, SubsidyGrace);

    public override string ToString() => $"Policy {Name} v{Version}";
}
