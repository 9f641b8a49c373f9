using MathNet.Numerics.Distributions;

namespace ParkGrid.Simulations;

/// <summary>A KPI the experiment reports: its column name, label, unit and which direction is better.</summary>
/// <param name="HigherIsBetter">true or false; null for a KPI that is neither better nor worse when higher (a count of activity).</param>
public sealed record KpiInfo(string Name, string Label, string Unit, bool? HigherIsBetter, string Meaning);

public static class KpiCatalog
{
    public static readonly IReadOnlyList<KpiInfo> All =
    [
        new("problems_arisen", "Problems arisen", "count", null, "problems enterprises developed after warm-up (the common random numbers: equal across policies)"),
        new("cases_received", "Cases received", "count", null, "cases filed after warm-up from problems (channels and visits; monitors excluded)"),
        new("found_at_visit_share", "Found at a visit", "share", true, "share of those cases surfaced at a contact-point visit"),
        new("never_reported_share", "Never reported", "share", false, "share of problems neither reported nor to be found at a visit by the horizon"),
        new("unfounded_share", "Unfounded", "share", false, "share of cases closed as unfounded"),
        new("resolved_share", "Resolved by horizon", "share", true, "share of cases resolved by the end of the run"),
        new("time_to_resolve_mean_days", "Time to resolve, mean", "days", false, "receipt to resolution, calendar days, resolved cases"),
        new("time_to_resolve_p50_days", "Time to resolve, p50", "days", false, "median of the replication's times to resolve"),
        new("time_to_resolve_p90_days", "Time to resolve, p90", "days", false, "90th percentile of the replication's times to resolve"),
        new("department_wait_mean_days", "Wait for a handler", "days", false, "assignment to start of rectification (queue at the department)"),
        new("department_queue_mean", "Cases queued at departments", "cases", false, "time-average number waiting for a handler"),
        new("open_cases_mean", "Open cases", "cases", false, "time-average number of open cases (all channels)"),
        new("escalated_share", "Escalated", "share", false, "share of cases that reached at least step 1 (提醒函)"),
        new("accountability_share", "Accountability referrals", "share", false, "share of cases that reached step 4 (问责)"),
        new("reopen_rate", "Reopenings per case", "per case", false, "reopenings (follow-up found the problem unsolved) per case"),
        new("satisfaction_mean", "Satisfaction", "0–100", true, "mean last follow-up score of rated cases"),
        new("inspection_burden_cases", "Too-many-inspections cases", "count", false, "cases raised by the inspection-burden monitor after warm-up"),
        new("inspections_per_enterprise_quarter", "Inspection visits per enterprise-quarter", "visits", false, "doors entered after joint-inspection merging (district KPI, whole run)"),
        new("supervisor_utilisation", "Supervisor utilisation", "share", null, "visits made ÷ visit capacity (district KPI, whole run)"),
        new("good_faith_declarations", "Good-faith declarations", "count", null, "容错纠错 declarations (fault tolerance)"),
    ];

    public static KpiInfo? Find(string name) => All.FirstOrDefault(k => k.Name == name);
}

/// <summary>Mean with a 95% Student-t confidence interval.</summary>
public sealed record Estimate(int N, double Mean, double StdDev, double HalfWidth)
{
    public double Low => Mean - HalfWidth;
    public double High => Mean + HalfWidth;

    /// <summary>The interval excludes zero.</summary>
    public bool ExcludesZero => N >= 2 && !double.IsNaN(HalfWidth) && (Low > 0 || High < 0);

    public static Estimate Of(IEnumerable<double> values)
    {
        var xs = values.Where(double.IsFinite).ToArray();
        if (xs.Length == 0) return new Estimate(0, double.NaN, double.NaN, double.NaN);
        var mean = xs.Average();
        if (xs.Length == 1) return new Estimate(1, mean, double.NaN, double.NaN);
        var sd = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1));
        var t = StudentT.InvCDF(0, 1, xs.Length - 1, 0.975);
        return new Estimate(xs.Length, mean, sd, t * sd / Math.Sqrt(xs.Length));
    }
}

/// <summary>One KPI under one policy: its estimate and the paired difference to the baseline (same replications).</summary>
public sealed record KpiComparison(KpiInfo Kpi, string Policy, Estimate Value, Estimate? DifferenceToBaseline);

/// <summary>The per-KPI summary of an experiment.</summary>
public sealed class ExperimentSummary
{
    public ExperimentSummary(IReadOnlyList<string> policies, IReadOnlyList<ReplicationResult> results)
    {
        Policies = policies;
        Results = results;
        var baseline = policies[0];
        var byPolicy = results.GroupBy(r => r.Policy).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Replication));
        var baseRows = byPolicy.GetValueOrDefault(baseline) ?? [];
        var list = new List<KpiComparison>();
        foreach (var kpi in KpiCatalog.All)
            foreach (var policy in policies)
            {
                if (!byPolicy.TryGetValue(policy, out var rows)) continue;
                var value = Estimate.Of(rows.Values.Select(r => r.Kpis.GetValueOrDefault(kpi.Name, double.NaN)));
                Estimate? diff = null;
                if (policy != baseline)
                    diff = Estimate.Of(rows.Values.Where(r => baseRows.ContainsKey(r.Replication)).Select(r =>
                        r.Kpis.GetValueOrDefault(kpi.Name, double.NaN) - baseRows[r.Replication].Kpis.GetValueOrDefault(kpi.Name, double.NaN)));
                list.Add(new KpiComparison(kpi, policy, value, diff));
            }

        Comparisons = list;
        Histograms = policies.ToDictionary(p => p, p =>
        {
            var h = new long[ReplicationRunner.HistogramDays];
            foreach (var r in results.Where(r => r.Policy == p))
                for (var i = 0; i < h.Length && i < r.TimeToResolveHistogram.Count; i++) h[i] += r.TimeToResolveHistogram[i];
            return h;
        });
    }

    public IReadOnlyList<string> Policies { get; }
    public IReadOnlyList<ReplicationResult> Results { get; }
    public IReadOnlyList<KpiComparison> Comparisons { get; }

    /// <summary>Pooled time-to-resolve histogram (whole days) per policy, over all replications.</summary>
    public IReadOnlyDictionary<string, long[]> Histograms { get; }

    /// <summary>Pooled quantile (day bin upper edge) of a policy's time to resolve.</summary>
    public double PooledQuantile(string policy, double q)
    {
        var h = Histograms[policy];
        var total = h.Sum();
        if (total == 0) return double.NaN;
        var target = (long)Math.Ceiling(q * total);
        long acc = 0;
        for (var i = 0; i < h.Length; i++)
            if ((acc += h[i]) >= target) return i + 1;
        return h.Length;
    }
}
