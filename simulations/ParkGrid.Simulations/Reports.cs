using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ParkGrid.Simulations;

/// <summary>What reproduces a run: the scenario (its hash and its full text), seed, replications, policies, shards,
/// the ParkGrid version and the command line.</summary>
public sealed record Manifest
{
    public string Scenario { get; init; } = "";
    public string? ScenarioFile { get; init; }
    public string ScenarioSha256 { get; init; } = "";
    public string ScenarioYaml { get; init; } = "";
    public ulong Seed { get; init; }
    public int Replications { get; init; }
    public IReadOnlyList<string> Policies { get; init; } = [];
    public IReadOnlyList<string> Shards { get; init; } = [];
    public IReadOnlyList<int> ReplicationsPresent { get; init; } = [];
    public string ParkGridVersion { get; init; } = Reports.Version;
    public string CommandLine { get; init; } = "";
    public string Repeat { get; init; } = "";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>Writes and reads an experiment's output directory: replications.csv, time_to_resolve.csv, manifest.json, report.md, report.html.</summary>
public static class Reports
{
    public static string Version =>
        typeof(Reports).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Number(double x) => double.IsFinite(x) ? x.ToString("R", Inv) : "";

    private static string Fmt(double x, string unit) =>
        !double.IsFinite(x) ? "–" : unit is "share" ? (x * 100).ToString("0.0", Inv) + "%" : Math.Abs(x) >= 100 ? x.ToString("0", Inv) : x.ToString("0.00", Inv);

    private static string FmtDiff(double x, string unit) =>
        !double.IsFinite(x) ? "–" : (x >= 0 ? "+" : "") + (unit is "share" ? (x * 100).ToString("0.0", Inv) + " pp" : x.ToString(Math.Abs(x) >= 100 ? "0" : "0.00", Inv));

    /// <summary>Writes every output file of an experiment into <paramref name="directory"/>.</summary>
    public static void Write(string directory, Scenario scenario, string scenarioYaml, IReadOnlyList<ReplicationResult> results, Manifest manifest)
    {
        Directory.CreateDirectory(directory);
        var summary = new ExperimentSummary(scenario.Policies.Select(p => p.Name).ToArray(), results);
        File.WriteAllText(Path.Combine(directory, "replications.csv"), Csv(results));
        File.WriteAllText(Path.Combine(directory, "time_to_resolve.csv"), HistogramCsv(results));
        var full = manifest with
        {
            Scenario = scenario.Name,
            ScenarioSha256 = scenario.Hash,
            ScenarioYaml = scenarioYaml,
            Seed = scenario.Seed,
            Replications = scenario.Replications,
            Policies = scenario.Policies.Select(p => p.Name).ToArray(),
            ReplicationsPresent = results.Select(r => r.Replication).Distinct().Order().ToArray(),
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(full, Manifest.Json) + "\n");
        File.WriteAllText(Path.Combine(directory, "report.md"), Markdown(scenario, summary));
        File.WriteAllText(Path.Combine(directory, "report.html"), Html(scenario, summary));
    }

    public static string Csv(IReadOnlyList<ReplicationResult> results)
    {
        var sb = new StringBuilder();
        sb.Append("policy,replication,arrival_hash,turns");
        foreach (var k in KpiCatalog.All) sb.Append(',').Append(k.Name);
        sb.Append('\n');
        foreach (var r in results)
        {
            sb.Append(r.Policy).Append(',').Append(r.Replication.ToString(Inv)).Append(',').Append(r.ArrivalHash.ToString("x16", Inv)).Append(',').Append(r.Turns.ToString(Inv));
            foreach (var k in KpiCatalog.All) sb.Append(',').Append(Number(r.Kpis.GetValueOrDefault(k.Name, double.NaN)));
            sb.Append('\n');
        }

        return sb.ToString();
    }

    public static string HistogramCsv(IReadOnlyList<ReplicationResult> results)
    {
        var sb = new StringBuilder("policy,replication,day,count\n");
        foreach (var r in results)
            for (var d = 0; d < r.TimeToResolveHistogram.Count; d++)
                if (r.TimeToResolveHistogram[d] > 0)
                    sb.Append(r.Policy).Append(',').Append(r.Replication.ToString(Inv)).Append(',').Append(d.ToString(Inv)).Append(',').Append(r.TimeToResolveHistogram[d].ToString(Inv)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Reads the results back from an output directory (for merging shards).</summary>
    public static (Manifest Manifest, List<ReplicationResult> Results) Read(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"{directory} has no manifest.json: not a simulation output directory.", manifestPath);
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), Manifest.Json)!;
        var lines = File.ReadAllLines(Path.Combine(directory, "replications.csv"));
        var header = lines[0].Split(',');
        var hist = new Dictionary<(string, int), int[]>();
        var histPath = Path.Combine(directory, "time_to_resolve.csv");
        if (File.Exists(histPath))
            foreach (var line in File.ReadLines(histPath).Skip(1))
            {
                var f = line.Split(',');
                var key = (f[0], int.Parse(f[1], Inv));
                if (!hist.TryGetValue(key, out var h)) hist[key] = h = new int[ReplicationRunner.HistogramDays];
                h[int.Parse(f[2], Inv)] = int.Parse(f[3], Inv);
            }

        var results = new List<ReplicationResult>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(',');
            var kpis = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 4; i < header.Length; i++) kpis[header[i]] = f[i].Length == 0 ? double.NaN : double.Parse(f[i], Inv);
            var policy = f[0];
            var replication = int.Parse(f[1], Inv);
            results.Add(new ReplicationResult(policy, manifest.Policies.ToList().IndexOf(policy), replication, kpis,
                hist.GetValueOrDefault((policy, replication)) ?? new int[ReplicationRunner.HistogramDays],
                ulong.Parse(f[2], NumberStyles.HexNumber, Inv), long.Parse(f[3], Inv), 0));
        }

        return (manifest, results);
    }

    /// <summary>Combines shard directories into one: same scenario hash and seed required; a replication present twice is kept once.</summary>
    public static (Scenario Scenario, int Replications) Merge(IReadOnlyList<string> directories, string output, string commandLine)
    {
        if (directories.Count == 0) throw new ArgumentException("Name at least one shard directory to merge.");
        var parts = directories.Select(Read).ToList();
        var first = parts[0].Manifest;
        foreach (var (m, _) in parts.Skip(1))
            if (m.ScenarioSha256 != first.ScenarioSha256 || m.Seed != first.Seed || !m.Policies.SequenceEqual(first.Policies))
                throw new InvalidOperationException($"Cannot merge: shards differ in scenario ({m.ScenarioSha256[..12]} vs {first.ScenarioSha256[..12]}), seed or policies.");
        var scenario = ScenarioLoader.Parse(first.ScenarioYaml, first.ScenarioFile ?? first.Scenario) with { Seed = first.Seed, Replications = first.Replications };
        scenario = scenario with { Policies = first.Policies.Select(n => scenario.Policies.First(p => p.Name == n)).ToArray() };
        var rows = parts.SelectMany(p => p.Results)
            .GroupBy(r => (r.Policy, r.Replication)).Select(g => g.First())
            .OrderBy(r => r.PolicyIndex).ThenBy(r => r.Replication).ToArray();
        Write(output, scenario, first.ScenarioYaml, rows, first with
        {
            CommandLine = commandLine,
            Shards = parts.SelectMany(p => p.Manifest.Shards).Distinct().ToArray(),
        });
        return (scenario, rows.Select(r => r.Replication).Distinct().Count());
    }

    private static string Direction(Estimate diff, KpiInfo kpi) =>
        kpi.HigherIsBetter is { } higher ? (diff.Mean > 0 == higher ? "better" : "worse") : "differs";

    public static string Markdown(Scenario s, ExperimentSummary summary)
    {
        var sb = new StringBuilder();
        var reps = summary.Results.Select(r => r.Replication).Distinct().Count();
        sb.Append("# Simulation report: ").Append(s.Name).Append("\n\n");
        if (s.Description is { } d) sb.Append(d).Append("\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"- period: {s.Start:yyyy-MM-dd} + {s.HorizonDays} days, warm-up {s.WarmupDays} days excluded\n");
        sb.Append(CultureInfo.InvariantCulture, $"- {s.EnterpriseCount} enterprises in {s.Parks.Count} parks, {s.Departments.Count} departments\n");
        sb.Append(CultureInfo.InvariantCulture, $"- replications: {reps} per policy (common random numbers), seed {s.Seed}, scenario sha256 {s.Hash[..16]}…\n");
        sb.Append("- policies: ").Append(string.Join(", ", s.Policies.Select(p => p.Overrides.Count + p.BehaviourOverrides.Count == 0 ? p.Name : $"{p.Name} ({string.Join(", ", p.Overrides.Concat(p.BehaviourOverrides).Select(kv => $"{kv.Key}={kv.Value}"))})"))).Append("\n\n");
        sb.Append("Each cell: mean [95% CI] over replications (Student t). Δ: the paired difference to the baseline (same replications) with its 95% CI; **bold** when the interval excludes zero.\n\n");
        foreach (var kpi in KpiCatalog.All)
        {
            sb.Append("## ").Append(kpi.Label).Append(" (").Append(kpi.Unit).Append(")\n\n").Append(kpi.Meaning).Append(".\n\n");
            sb.Append("| policy | mean [95% CI] | Δ to baseline [95% CI] |\n|---|---:|---:|\n");
            foreach (var c in summary.Comparisons.Where(c => c.Kpi == kpi))
            {
                sb.Append("| ").Append(c.Policy).Append(" | ").Append(Fmt(c.Value.Mean, kpi.Unit)).Append(" [").Append(Fmt(c.Value.Low, kpi.Unit)).Append(", ").Append(Fmt(c.Value.High, kpi.Unit)).Append("] | ");
                if (c.DifferenceToBaseline is { } diff)
                {
                    var text = $"{FmtDiff(diff.Mean, kpi.Unit)} [{FmtDiff(diff.Low, kpi.Unit)}, {FmtDiff(diff.High, kpi.Unit)}]";
                    sb.Append(diff.ExcludesZero ? $"**{text}** {Direction(diff, kpi)}" : text);
                }
                else sb.Append("baseline");
                sb.Append(" |\n");
            }

            sb.Append('\n');
        }

        sb.Append("## Time to resolve, pooled over replications\n\n| policy | resolved cases | p50 (days) | p90 (days) |\n|---|---:|---:|---:|\n");
        foreach (var p in summary.Policies.Where(summary.Histograms.ContainsKey))
            sb.Append(CultureInfo.InvariantCulture, $"| {p} | {summary.Histograms[p].Sum()} | {Fmt(summary.PooledQuantile(p, 0.5), "days")} | {Fmt(summary.PooledQuantile(p, 0.9), "days")} |\n");
        return sb.ToString();
    }

    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    public static string Html(Scenario s, ExperimentSummary summary)
    {
        var sb = new StringBuilder();
        string E(string x) => WebUtility.HtmlEncode(x);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ParkGrid simulation: ").Append(E(s.Name)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}.sig{font-weight:bold}.better{color:#2a7}.worse{color:#c33}.grid{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;padding:6px}svg text{font-size:11px}")
            .Append("</style></head><body>\n");
        sb.Append("<h1>Simulation report: ").Append(E(s.Name)).Append("</h1>\n<p>").Append(E(s.Description ?? "")).Append("</p>\n");
        var reps = summary.Results.Select(r => r.Replication).Distinct().Count();
        sb.Append(CultureInfo.InvariantCulture, $"<p>{s.Start:yyyy-MM-dd} + {s.HorizonDays} days (warm-up {s.WarmupDays} excluded); {s.EnterpriseCount} enterprises, {s.Parks.Count} parks; {reps} replications per policy with common random numbers; seed {s.Seed}; scenario sha256 <code>{s.Hash}</code>.</p>\n");
        sb.Append("<p>Means with 95% confidence intervals (Student t). Δ is the paired difference to the baseline; bold where its interval excludes zero.</p>\n");

        sb.Append("<h2>Means per policy</h2><div class=\"grid\">\n");
        foreach (var kpi in KpiCatalog.All)
        {
            var rows = summary.Comparisons.Where(c => c.Kpi == kpi).ToList();
            sb.Append("<div class=\"card\"><div><b>").Append(E(kpi.Label)).Append("</b> (").Append(E(kpi.Unit)).Append(")</div>").Append(BarChart(rows)).Append("</div>\n");
        }

        sb.Append("</div>\n<h2>Distribution of time to resolve (pooled)</h2>\n").Append(HistogramChart(summary)).Append('\n');

        sb.Append("<h2>Tables</h2>\n");
        foreach (var kpi in KpiCatalog.All)
        {
            sb.Append("<h3>").Append(E(kpi.Label)).Append("</h3><p>").Append(E(kpi.Meaning)).Append("</p><table><tr><th>policy</th><th>mean</th><th>95% CI</th><th>Δ to baseline</th><th>95% CI of Δ</th></tr>\n");
            foreach (var c in summary.Comparisons.Where(c => c.Kpi == kpi))
            {
                sb.Append("<tr><td>").Append(E(c.Policy)).Append("</td><td>").Append(Fmt(c.Value.Mean, kpi.Unit)).Append("</td><td>")
                    .Append(Fmt(c.Value.Low, kpi.Unit)).Append(" – ").Append(Fmt(c.Value.High, kpi.Unit)).Append("</td>");
                if (c.DifferenceToBaseline is { } d)
                {
                    var cls = d.ExcludesZero ? $"sig {Direction(d, kpi)}" : "";
                    sb.Append("<td class=\"").Append(cls).Append("\">").Append(FmtDiff(d.Mean, kpi.Unit)).Append("</td><td>").Append(FmtDiff(d.Low, kpi.Unit)).Append(" – ").Append(FmtDiff(d.High, kpi.Unit)).Append("</td>");
                }
                else sb.Append("<td>baseline</td><td></td>");
                sb.Append("</tr>\n");
            }

            sb.Append("</table>\n");
        }

        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static string Svg(double x) => x.ToString("0.##", Inv);

    /// <summary>Mean with 95% error bars, one bar per policy.</summary>
    private static string BarChart(IReadOnlyList<KpiComparison> rows)
    {
        const double w = 320, h = 170, left = 8, bottom = 40, top = 10;
        var highs = rows.Select(r => double.IsFinite(r.Value.High) ? r.Value.High : r.Value.Mean).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var lows = rows.Select(r => double.IsFinite(r.Value.Low) ? r.Value.Low : r.Value.Mean).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        var max = Math.Max(highs, 0);
        var min = Math.Min(lows, 0);
        if (max - min <= 0) max = min + 1;
        double Y(double v) => top + (h - top - bottom) * (max - v) / (max - min);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">");
        var slot = (w - left) / Math.Max(1, rows.Count);
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{w}\" y1=\"{Svg(Y(0))}\" y2=\"{Svg(Y(0))}\" stroke=\"#999\"/>");
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i].Value;
            var x = left + i * slot + slot * 0.15;
            var bw = slot * 0.7;
            var colour = Colours[i % Colours.Length];
            if (double.IsFinite(e.Mean))
            {
                var y0 = Y(Math.Max(0, e.Mean));
                var y1 = Y(Math.Min(0, e.Mean));
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Svg(x)}\" y=\"{Svg(y0)}\" width=\"{Svg(bw)}\" height=\"{Svg(Math.Max(0.5, y1 - y0))}\" fill=\"{colour}\" opacity=\"0.75\"><title>{WebUtility.HtmlEncode(rows[i].Policy)}: {e.Mean.ToString("0.###", Inv)} ± {e.HalfWidth.ToString("0.###", Inv)}</title></rect>");
                if (double.IsFinite(e.HalfWidth))
                {
                    var cx = x + bw / 2;
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg(cx)}\" x2=\"{Svg(cx)}\" y1=\"{Svg(Y(e.High))}\" y2=\"{Svg(Y(e.Low))}\" stroke=\"#000\"/>");
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg(cx - 5)}\" x2=\"{Svg(cx + 5)}\" y1=\"{Svg(Y(e.High))}\" y2=\"{Svg(Y(e.High))}\" stroke=\"#000\"/>");
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg(cx - 5)}\" x2=\"{Svg(cx + 5)}\" y1=\"{Svg(Y(e.Low))}\" y2=\"{Svg(Y(e.Low))}\" stroke=\"#000\"/>");
                }

                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg(x + bw / 2)}\" y=\"{Svg(Math.Max(top + 9, y0 - 3))}\" text-anchor=\"middle\">{e.Mean.ToString(Math.Abs(e.Mean) >= 100 ? "0" : "0.##", Inv)}</text>");
            }

            var label = rows[i].Policy.Length > 14 ? rows[i].Policy[..13] + "…" : rows[i].Policy;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg(x + bw / 2)}\" y=\"{Svg(h - bottom + 14 + (i % 2) * 12)}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(label)}</text>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Share of resolved cases per day of time to resolve, one line per policy.</summary>
    private static string HistogramChart(ExperimentSummary summary)
    {
        const double w = 900, h = 300, left = 50, bottom = 30, top = 10, right = 160;
        var series = summary.Policies.Where(p => summary.Histograms.ContainsKey(p) && summary.Histograms[p].Sum() > 0).ToList();
        var lastDay = series.Select(p => Array.FindLastIndex(summary.Histograms[p], c => c > 0)).DefaultIfEmpty(30).Max() + 1;
        lastDay = Math.Max(10, lastDay);
        var maxShare = series.Select(p => { var hh = summary.Histograms[p]; double t = hh.Sum(); return hh.Max() / t; }).DefaultIfEmpty(1).Max();
        double X(double d) => left + (w - left - right) * d / lastDay;
        double Y(double v) => top + (h - top - bottom) * (1 - v / maxShare);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{w - right}\" y1=\"{h - bottom}\" y2=\"{h - bottom}\" stroke=\"#999\"/><line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{h - bottom}\" stroke=\"#999\"/>");
        var step = lastDay <= 60 ? 10 : lastDay <= 200 ? 30 : 60;
        for (var d = 0; d <= lastDay; d += step)
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg(X(d))}\" y=\"{h - bottom + 14}\" text-anchor=\"middle\">{d}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg(X(lastDay / 2.0))}\" y=\"{h - 2}\" text-anchor=\"middle\">days from receipt to resolution</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{top + 8}\">{(maxShare * 100).ToString("0.#", Inv)}%</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var hh = summary.Histograms[series[i]];
            double total = hh.Sum();
            var points = string.Join(" ", Enumerable.Range(0, lastDay).Select(d => $"{Svg(X(d + 0.5))},{Svg(Y(hh[d] / total))}"));
            var colour = Colours[i % Colours.Length];
            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{points}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{w - right + 10}\" y=\"{top + i * 16}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{w - right + 25}\" y=\"{top + 9 + i * 16}\">{WebUtility.HtmlEncode(series[i])} (p50 {Fmt(summary.PooledQuantile(series[i], 0.5), "days")}, p90 {Fmt(summary.PooledQuantile(series[i], 0.9), "days")})</text>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }
}
