using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using NodaTime.Text;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ParkGrid.Simulations;

/// <summary>A malformed scenario: the file, line and column, the field (dotted path) and a hint.</summary>
public sealed class ScenarioException(string file, int line, int column, string field, string problem, string? hint)
    : Exception($"{file}:{line}:{column}: {field}: {problem}{(hint is null ? "" : $" (hint: {hint})")}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Field { get; } = field;
    public string Problem { get; } = problem;
    public string? Hint { get; } = hint;
}

/// <summary>Reads scenario YAML into a <see cref="Scenario"/>, checking every field; an error names file, line, field and a hint.</summary>
public static class ScenarioLoader
{
    public static Scenario LoadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Parse(Encoding.UTF8.GetString(bytes), path, bytes);
    }

    public static Scenario Parse(string yaml, string file = "<scenario>", byte[]? bytes = null)
    {
        bytes ??= Encoding.UTF8.GetBytes(yaml);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ScenarioException(file, (int)e.Start.Line, (int)e.Start.Column, "(syntax)", e.InnerException?.Message ?? e.Message,
                "check indentation and that every 'key: value' has a space after the colon");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ScenarioException(file, 1, 1, "(root)", "the scenario must be a mapping of fields", "start with 'name: …'");
        var r = new Reader(file);
        return r.Scenario(new Map(r, root, ""), file, hash);
    }

    private static readonly string[] ChannelNames = Enum.GetNames<CaseChannel>();
    private static readonly string[] CategoryNames = Enum.GetNames<CaseCategory>();

    private sealed class Reader(string file)
    {
        public string File { get; } = file;

        public ScenarioException Error(YamlNode node, string field, string problem, string? hint = null) =>
            new(File, (int)node.Start.Line, (int)node.Start.Column, field, problem, hint);

        public Scenario Scenario(Map m, string file, string hash)
        {
            var period = m.RequiredMap("period");
            var start = period.Date("start");
            var horizon = period.Int("horizonDays", 365, 1, 36500);
            var warmup = period.Int("warmupDays", 0, 0, horizon - 1);
            period.Done();

            var d = m.RequiredMap("district");
            var district = new DistrictSpec(d.Slug("id"), d.Str("name", d.Slug("id")), d.Int("supervisors", 1, 0, 1_000_000), d.Num("visitCapacityPerWeek", 10, 0, 10_000));
            d.Done();

            var parks = new List<ParkSpec>();
            foreach (var p in m.RequiredList("parks")) parks.AddRange(Parks(p));
            if (parks.Count == 0) throw Error(m.Node("parks")!, "parks", "at least one park is needed", "add '- id: my-park' with 'enterprises: 100'");
            Unique(parks.Select(p => (p.Id, (YamlNode)m.Node("parks")!)), "parks");

            var departments = new List<DepartmentSpec>();
            foreach (var dm in m.RequiredList("departments")) departments.Add(Department(dm));
            if (departments.Count == 0) throw Error(m.Node("departments")!, "departments", "at least one department is needed", "add '- id: industry' with 'handlers: 2'");
            Unique(departments.Select(x => (x.Id, (YamlNode)m.Node("departments")!)), "departments");

            var problems = m.RequiredMap("problems");
            var rates = problems.EnumMap<CaseCategory>("perEnterprisePerYear", CategoryNames, 0, 1000, required: true);
            problems.Done();

            var channels = new ChannelSpec();
            if (m.OptionalMap("channels") is { } c)
            {
                channels = new ChannelSpec
                {
                    PerDay = c.EnumMap<CaseChannel>("perDay", ChannelNames, 0, 1, required: false, defaultValue: channels.PerDay),
                    FoundAtVisit = c.Num("foundAtVisit", channels.FoundAtVisit, 0, 1),
                };
                foreach (var (ch, _) in channels.PerDay)
                    if (ch is CaseChannel.ContactPointVisit or CaseChannel.AutomaticMonitor or CaseChannel.InspectionTourFinding)
                        throw Error(c.Node("perDay")!, $"channels.perDay.{ch}", $"{ch} is not a reporting channel",
                            "visits are modelled by channels.foundAtVisit; use Hotline12345, Report12388, QrCode or HarassmentDirectReport");
                c.Done();
            }

            var behaviour = new BehaviourSpec();
            if (m.OptionalMap("behaviour") is { } b)
            {
                behaviour = Behaviour(b, behaviour);
                b.Done();
            }

            var policies = new List<PolicySpec>();
            var policyList = m.RequiredList("policies");
            foreach (var pm in policyList) policies.Add(PolicyOf(pm, departments));
            if (policies.Count == 0) throw Error(m.Node("policies")!, "policies", "at least a baseline policy is needed", "add '- name: baseline'");
            Unique(policies.Select(x => (x.Name, (YamlNode)m.Node("policies")!)), "policies");

            var scenario = new Scenario
            {
                Name = m.Str("name"),
                Description = m.StrOrNull("description"),
                SourceFile = file,
                Hash = hash,
                Start = start,
                HorizonDays = horizon,
                WarmupDays = warmup,
                Replications = m.Int("replications", 10, 1, 100_000),
                Seed = (ulong)m.Long("seed", 1, 0, long.MaxValue),
                TimeZone = m.TimeZone("timeZone", "Asia/Shanghai"),
                CollectionAgeDays = m.Int("collectionAgeDays", 30, 1, 36500),
                District = district,
                Parks = parks,
                Departments = departments,
                ProblemRates = rates,
                Channels = channels,
                Behaviour = behaviour,
                Policies = policies,
            };
            m.Done();
            return scenario;
        }

        /// <summary>A park, or with <c>count: N</c> N generated parks id-001 … (prefix-001 …), each with the given enterprises and contact points.</summary>
        private IEnumerable<ParkSpec> Parks(Map p)
        {
            var count = p.Int("count", 0, 0, 100_000);
            var park = Park(p);
            if (count == 0) return [park];
            if (park.ExplicitEnterprises.Count > 0)
                throw Error(p.Node("enterpriseList")!, $"{p.Path}.enterpriseList", "generated parks (count) cannot list enterprises", "use 'enterprises: N' with 'count'");
            var width = Math.Max(3, count.ToString(CultureInfo.InvariantCulture).Length);
            return Enumerable.Range(1, count).Select(i =>
            {
                var n = i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
                return park with { Id = $"{park.Id}-{n}", Name = $"{park.Name} {n}", Prefix = $"{park.Prefix}{n}" };
            }).ToArray();
        }

        private ParkSpec Park(Map p)
        {
            var id = p.Slug("id");
            var explicitList = new List<EnterpriseSpec>();
            if (p.OptionalList("enterpriseList") is { } list)
                foreach (var e in list)
                {
                    explicitList.Add(new EnterpriseSpec(e.Slug("id"), e.Str("name", e.Slug("id")), e.Str("industry", "other"), e.Bool("aboveDesignatedSize", true)));
                    e.Done();
                }

            var mix = p.StringMap("industryMix") ?? new Dictionary<string, double> { ["other"] = 1 };
            var spec = new ParkSpec(id, p.Str("name", id), p.Slug("prefix", id), p.Int("enterprises", 0, 0, 10_000_000), explicitList,
                p.Int("contactPoints", 0, 0, 1_000_000), mix, p.Num("aboveDesignatedSizeShare", 1, 0, 1));
            if (spec.EnterpriseCount == 0)
                throw Error(p.Self, $"{p.Path}", "a park needs enterprises", "set 'enterprises: N' or list them under 'enterpriseList'");
            p.Done();
            return spec;
        }

        private DepartmentSpec Department(Map d)
        {
            var id = d.Slug("id");
            var categories = new HashSet<CaseCategory>();
            if (d.OptionalSeq("categories") is { } seq)
                foreach (var item in seq.Children)
                    categories.Add(EnumValue<CaseCategory>(item, $"{d.Path}.categories", CategoryNames));
            var spec = new DepartmentSpec(id, d.Str("name", id), d.Int("handlers", 1, 1, 1_000_000), d.Distribution("handlingDays", null),
                d.Num("inspectionsPerEnterprisePerYear", 0, 0, 365), categories);
            d.Done();
            return spec;
        }

        private BehaviourSpec Behaviour(Map b, BehaviourSpec defaults)
        {
            var queue = b.Str("queue", defaults.Queue);
            if (queue is not ("fcfs" or "escalated-first"))
                throw Error(b.Node("queue")!, "behaviour.queue", $"unknown queue discipline '{queue}'", "use fcfs or escalated-first");
            var s = b.OptionalMap("satisfaction");
            var result = defaults with
            {
                AckDays = b.Distribution("ackDays", defaults.AckDays),
                VerifyDays = b.Distribution("verifyDays", defaults.VerifyDays),
                SubstantiatedShare = b.Num("substantiatedShare", defaults.SubstantiatedShare, 0, 1),
                SubstantiatedByCategory = b.EnumMap<CaseCategory>("substantiatedByCategory", CategoryNames, 0, 1, false, defaults.SubstantiatedByCategory),
                EscalationSpeedup = b.Num("escalationSpeedup", defaults.EscalationSpeedup, 0, 100),
                GoodFaithShare = b.Num("goodFaithShare", defaults.GoodFaithShare, 0, 1),
                Queue = queue,
                SatisfiedScore = s?.Int("satisfied", defaults.SatisfiedScore, 0, 100) ?? defaults.SatisfiedScore,
                UnsatisfiedScore = s?.Int("unsatisfied", defaults.UnsatisfiedScore, 0, 100) ?? defaults.UnsatisfiedScore,
                SatisfactionLossPerDay = s?.Num("lossPerDayOpen", 0, 0, 100) ?? 0,
                SatisfactionLossPerEscalation = s?.Num("lossPerEscalationStep", 0, 0, 100) ?? 0,
            };
            s?.Done();
            return result;
        }

        private PolicySpec PolicyOf(Map pm, IReadOnlyList<DepartmentSpec> departments)
        {
            var name = pm.Slug("name");
            var overrides = new List<KeyValuePair<string, string>>();
            var behaviour = new List<KeyValuePair<string, string>>();
            if (pm.OptionalMap("overrides") is { } o)
            {
                foreach (var (key, value) in o.Scalars()) overrides.Add(new(key, value));
                try
                {
                    Policy.Default.WithOverrides(overrides);
                }
                catch (PolicyValidationException e)
                {
                    var first = e.Errors[0];
                    var node = o.NodeCaseInsensitive(first.Field.Split('.')[0]) ?? o.Self;
                    throw Error(node, $"{pm.Path}.overrides.{first.Field}", first.Message,
                        "fields are the Policy's camelCase names: visitCadence (P1M, P14D), ackWithin, verifyWithin, rectifyWithinDefault, rectifyWithin.<Category>, followUpAfter, escalationStep, jointInspection, inspectionBurdenThreshold, faultTolerance …");
                }
                o.MarkAllUsed();
            }

            if (pm.OptionalMap("behaviour") is { } b)
            {
                foreach (var (key, value) in b.Scalars())
                {
                    var known = key is "queue" or "escalationSpeedup" or "goodFaithShare" || (key.StartsWith("handlers.", StringComparison.Ordinal) && departments.Any(d => "handlers." + d.Id == key));
                    if (!known)
                        throw Error(b.Node(key)!, $"{pm.Path}.behaviour.{key}", "unknown behaviour override",
                            "use queue, escalationSpeedup, goodFaithShare or handlers.<department id>");
                    behaviour.Add(new(key, value));
                }
                b.MarkAllUsed();
            }

            pm.Done();
            return new PolicySpec(name, overrides, behaviour);
        }

        private void Unique(IEnumerable<(string Id, YamlNode Node)> items, string field)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (id, node) in items)
                if (!seen.Add(id)) throw Error(node, field, $"'{id}' appears twice", "ids must be unique");
        }

        public T EnumValue<T>(YamlNode node, string field, string[] names) where T : struct, Enum
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
            throw Error(node, field, $"unknown value '{text}'", $"did you mean {Closest(text, names)}? one of: {string.Join(", ", names)}");
        }
    }

    /// <summary>A mapping node being read: remembers which keys were used so that unknown ones are reported.</summary>
    private sealed class Map(Reader r, YamlMappingNode node, string path)
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);
        public YamlMappingNode Self => node;
        public string Path => path;

        private string F(string key) => path.Length == 0 ? key : $"{path}.{key}";

        public YamlNode? Node(string key)
        {
            _used.Add(key);
            return node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
        }

        public YamlNode? NodeCaseInsensitive(string key) =>
            node.Children.FirstOrDefault(kv => string.Equals(((YamlScalarNode)kv.Key).Value, key, StringComparison.OrdinalIgnoreCase)).Value;

        public void MarkAllUsed()
        {
            foreach (var k in node.Children.Keys) _used.Add(((YamlScalarNode)k).Value ?? "");
        }

        /// <summary>Every key must be one that was read.</summary>
        public void Done()
        {
            foreach (var (k, _) in node.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!_used.Contains(key))
                    throw r.Error(k, F(key), "unknown field", _used.Count > 0 ? $"did you mean '{Closest(key, _used)}'?" : null);
            }
        }

        private YamlScalarNode? Scalar(string key)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is YamlScalarNode s) return s;
            throw r.Error(n, F(key), "expected a single value", "write 'key: value'");
        }

        public string Str(string key, string? defaultValue = null)
        {
            var s = Scalar(key);
            if (s?.Value is { Length: > 0 } v) return v;
            if (defaultValue is not null) return defaultValue;
            throw r.Error(s ?? (YamlNode)node, F(key), "missing required field", $"add '{key}: …'");
        }

        public string? StrOrNull(string key) => Scalar(key)?.Value;

        public string Slug(string key, string? defaultValue = null)
        {
            var v = Str(key, defaultValue);
            if (v.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')) return v;
            throw r.Error(Node(key) ?? node, F(key), $"'{v}' is not a slug", "use ASCII letters, digits and '-', e.g. xiangan-digital");
        }

        public double Num(string key, double defaultValue, double min, double max)
        {
            var s = Scalar(key);
            if (s is null) return defaultValue;
            if (!double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw r.Error(s, F(key), $"'{s.Value}' is not a number", $"a number between {min} and {max}");
            if (v < min || v > max || double.IsNaN(v))
                throw r.Error(s, F(key), $"{v} is out of range", $"a number between {min} and {max}");
            return v;
        }

        public int Int(string key, int defaultValue, int min, int max) => (int)Long(key, defaultValue, min, max);

        public long Long(string key, long defaultValue, long min, long max)
        {
            var s = Scalar(key);
            if (s is null) return defaultValue;
            if (!long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                throw r.Error(s, F(key), $"'{s.Value}' is not a whole number", $"a whole number between {min} and {max}");
            if (v < min || v > max) throw r.Error(s, F(key), $"{v} is out of range", $"a whole number between {min} and {max}");
            return v;
        }

        public bool Bool(string key, bool defaultValue)
        {
            var s = Scalar(key);
            if (s is null) return defaultValue;
            if (bool.TryParse(s.Value, out var v)) return v;
            throw r.Error(s, F(key), $"'{s.Value}' is not true or false", "write true or false");
        }

        public LocalDate Date(string key)
        {
            var s = Scalar(key) ?? throw r.Error(node, F(key), "missing required field", $"add '{key}: 2025-01-01'");
            var result = LocalDatePattern.Iso.Parse(s.Value ?? "");
            if (result.Success) return result.Value;
            throw r.Error(s, F(key), $"'{s.Value}' is not a date", "write an ISO date, e.g. 2025-01-01");
        }

        public string TimeZone(string key, string defaultValue)
        {
            var s = Scalar(key);
            if (s is null) return defaultValue;
            if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(s.Value ?? "") is not null) return s.Value!;
            throw r.Error(s, F(key), $"unknown time zone '{s.Value}'", "an IANA zone such as Asia/Shanghai");
        }

        public Map RequiredMap(string key) =>
            OptionalMap(key) ?? throw r.Error(node, F(key), "missing required section", $"add '{key}:' with its fields");

        public Map? OptionalMap(string key)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is YamlMappingNode m) return new Map(r, m, F(key));
            throw r.Error(n, F(key), "expected a mapping of fields", $"indent the fields of '{key}' under it");
        }

        public YamlSequenceNode? OptionalSeq(string key)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is YamlSequenceNode s) return s;
            throw r.Error(n, F(key), "expected a list", "write each item on its own line starting with '- '");
        }

        public IEnumerable<Map> RequiredList(string key) =>
            OptionalList(key) ?? throw r.Error(node, F(key), "missing required list", $"add '{key}:' with items '- …'");

        public List<Map>? OptionalList(string key)
        {
            var s = OptionalSeq(key);
            if (s is null) return null;
            var result = new List<Map>();
            var i = 0;
            foreach (var item in s.Children)
            {
                if (item is not YamlMappingNode m) throw r.Error(item, $"{F(key)}[{i}]", "expected a mapping of fields", "each item is '- id: …' with further fields indented");
                result.Add(new Map(r, m, $"{F(key)}[{i}]"));
                i++;
            }

            return result;
        }

        public IEnumerable<(string Key, string Value)> Scalars()
        {
            foreach (var (k, v) in node.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                if (v is not YamlScalarNode s) throw r.Error(v, F(key), "expected a single value", "write 'key: value'");
                yield return (key, s.Value ?? "");
            }
        }

        public Dictionary<string, double>? StringMap(string key)
        {
            var m = OptionalMap(key);
            if (m is null) return null;
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (k, _) in m.Scalars()) result[k] = m.Num(k, 0, 0, 1e12);
            m.Done();
            return result;
        }

        public IReadOnlyDictionary<T, double> EnumMap<T>(string key, string[] names, double min, double max, bool required, IReadOnlyDictionary<T, double>? defaultValue = null)
            where T : struct, Enum
        {
            var m = required ? RequiredMap(key) : OptionalMap(key);
            if (m is null) return defaultValue ?? new Dictionary<T, double>();
            var result = new SortedDictionary<T, double>();
            foreach (var (k, _) in m.Scalars())
            {
                var value = r.EnumValue<T>(KeyNode(m, k), $"{m.Path}.{k}", names);
                result[value] = m.Num(k, 0, min, max);
            }

            m.Done();
            return result;
        }

        private static YamlNode KeyNode(Map m, string key) => m.Self.Children.Keys.First(k => ((YamlScalarNode)k).Value == key);

        /// <summary>A duration distribution in days: <c>{median, p90}</c>, <c>{distribution: exponential, mean}</c>, <c>{distribution: gamma, shape, rate}</c>,
        /// <c>{distribution: lognormal, mu, sigma}</c>, <c>{distribution: weibull, shape, scale}</c>, <c>{distribution: uniform, min, max}</c>, <c>{constant: x}</c> or a plain number (constant).</summary>
        public DistributionSpec Distribution(string key, DistributionSpec? defaultValue)
        {
            var n = Node(key);
            var field = F(key);
            if (n is null)
                return defaultValue ?? throw r.Error(node, field, "missing required field", $"add '{key}: {{median: 5, p90: 15}}'");
            if (n is YamlScalarNode) return DistributionSpec.Constant(Num(key, 0, 0, 1e6));
            if (n is not YamlMappingNode mn) throw r.Error(n, field, "expected a distribution", "e.g. {median: 5, p90: 15} or {distribution: exponential, mean: 3}");
            var m = new Map(r, mn, field);
            DistributionSpec result;
            var kind = m.StrOrNull("distribution");
            if (kind is null && m.Node("median") is not null)
            {
                var median = m.Num("median", 0, 1e-9, 1e6);
                var p90 = m.Num("p90", 0, 0, 1e6);
                if (p90 < median) throw r.Error(m.Node("p90") ?? mn, $"{field}.p90", $"p90 {p90} is below the median {median}", "p90 must be ≥ median");
                result = p90 == median ? DistributionSpec.Constant(median) : DistributionSpec.FromQuantiles(median, p90);
            }
            else if (kind is null && m.Node("constant") is not null)
                result = DistributionSpec.Constant(m.Num("constant", 0, 0, 1e6));
            else
                result = kind switch
                {
                    "exponential" => DistributionSpec.Exponential(m.Num("mean", 1, 0, 1e6)),
                    "constant" => DistributionSpec.Constant(m.Num("value", 0, 0, 1e6)),
                    "lognormal" => new DistributionSpec("lognormal", m.Num("mu", 0, -50, 50), m.Num("sigma", 1, 0, 50)),
                    "gamma" => new DistributionSpec("gamma", m.Num("shape", 1, 1e-9, 1e6), m.Num("rate", 1, 1e-9, 1e6)),
                    "weibull" => new DistributionSpec("weibull", m.Num("shape", 1, 1e-9, 1e6), m.Num("scale", 1, 1e-9, 1e6)),
                    "uniform" => new DistributionSpec("uniform", m.Num("min", 0, 0, 1e6), m.Num("max", 1, 0, 1e6)),
                    null => throw r.Error(mn, field, "no distribution given", "write {median: 5, p90: 15} or {distribution: exponential, mean: 3}"),
                    _ => throw r.Error(m.Node("distribution")!, $"{field}.distribution", $"unknown distribution '{kind}'",
                        $"did you mean {Closest(kind, ["exponential", "constant", "lognormal", "gamma", "weibull", "uniform"])}?"),
                };
            m.Done();
            return result;
        }
    }

    internal static string Closest(string text, IEnumerable<string> names)
    {
        string best = "";
        var bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            var d = Levenshtein(text.ToLowerInvariant(), name.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }

        return best;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
