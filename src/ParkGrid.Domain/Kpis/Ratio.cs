using System.Text.Json.Serialization;

namespace ParkGrid.Domain.Kpis;

/// <summary>A rate kept as numerator and denominator, so that rates of parks combine into the district's rate exactly
/// (Σ numerators / Σ denominators — never an average of ratios).</summary>
public readonly record struct Ratio(long Numerator, long Denominator)
{
    /// <summary>Numerator / Denominator, or null when there is nothing to judge (denominator 0).</summary>
    [JsonIgnore] public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;

    /// <summary>One more item judged: counted in the numerator when <paramref name="hit"/>.</summary>
    public Ratio Add(bool hit) => new(Numerator + (hit ? 1 : 0), Denominator + 1);

    public static Ratio operator +(Ratio a, Ratio b) => new(a.Numerator + b.Numerator, a.Denominator + b.Denominator);

    /// <summary>Removes <paramref name="b"/>'s items from <paramref name="a"/> (b must be part of a; used to replace one
    /// contribution to a running tally by a newer one).</summary>
    public static Ratio operator -(Ratio a, Ratio b) => new(a.Numerator - b.Numerator, a.Denominator - b.Denominator);

    public override string ToString() => $"{Numerator}/{Denominator}";
}

/// <summary>Counts of escalation steps (1 reminder letter … 4 accountability referral).</summary>
public readonly record struct EscalationCounts(int ReminderLetters, int SupervisionNotices, int Interviews, int AccountabilityReferrals)
{
    [JsonIgnore] public int Total => ReminderLetters + SupervisionNotices + Interviews + AccountabilityReferrals;

    public EscalationCounts Add(Escalation.EscalationStep step) => step switch
    {
        Escalation.EscalationStep.ReminderLetter => this with { ReminderLetters = ReminderLetters + 1 },
        Escalation.EscalationStep.SupervisionNotice => this with { SupervisionNotices = SupervisionNotices + 1 },
        Escalation.EscalationStep.Interview => this with { Interviews = Interviews + 1 },
        Escalation.EscalationStep.AccountabilityReferral => this with { AccountabilityReferrals = AccountabilityReferrals + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    public int this[Escalation.EscalationStep step] => step switch
    {
        Escalation.EscalationStep.ReminderLetter => ReminderLetters,
        Escalation.EscalationStep.SupervisionNotice => SupervisionNotices,
        Escalation.EscalationStep.Interview => Interviews,
        Escalation.EscalationStep.AccountabilityReferral => AccountabilityReferrals,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    public static EscalationCounts operator +(EscalationCounts a, EscalationCounts b) =>
        new(a.ReminderLetters + b.ReminderLetters, a.SupervisionNotices + b.SupervisionNotices, a.Interviews + b.Interviews, a.AccountabilityReferrals + b.AccountabilityReferrals);

    public static EscalationCounts operator -(EscalationCounts a, EscalationCounts b) =>
        new(a.ReminderLetters - b.ReminderLetters, a.SupervisionNotices - b.SupervisionNotices, a.Interviews - b.Interviews, a.AccountabilityReferrals - b.AccountabilityReferrals);
}

/// <summary>A sum and count of scores (for means that combine exactly).</summary>
public readonly record struct ScoreSum(long Sum, long Count)
{
    [JsonIgnore] public double? Mean => Count == 0 ? null : (double)Sum / Count;

    public ScoreSum Add(int score) => new(Sum + score, Count + 1);

    public static ScoreSum operator +(ScoreSum a, ScoreSum b) => new(a.Sum + b.Sum, a.Count + b.Count);

    public static ScoreSum operator -(ScoreSum a, ScoreSum b) => new(a.Sum - b.Sum, a.Count - b.Count);
}
