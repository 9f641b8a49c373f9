using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using ParkGrid.Deploy.Tests.Infrastructure;
using ParkGrid.Simulations;

namespace ParkGrid.Deploy.Tests;

/// <summary>deploy/k8s: every manifest parsed and cross-checked (no cluster here; kubectl is not needed).</summary>
public class KubernetesTests
{
    private const string Namespace = "parkgrid";

    public sealed record Manifest(string File, Node Doc)
    {
        public string Kind => Doc["kind"].S;
        public string Name => Doc["metadata"]["name"].S;
        public Node PodTemplate => Doc["spec"]["template"];
        public Dictionary<string, string> PodLabels => PodTemplate["metadata"]["labels"].StringMap();
        public IReadOnlyList<Node> Containers => PodTemplate["spec"]["containers"].Items;
        public override string ToString() => $"{File}: {Kind}/{Name}";
    }

    private static readonly string[] Workloads = ["StatefulSet", "Deployment", "Job", "DaemonSet"];

    private readonly List<Manifest> _manifests = ManifestFiles()
        .SelectMany(f => Yaml.LoadAll($"deploy/k8s/{f}").Select(d => new Manifest(f, d))).ToList();

    private static IEnumerable<string> ManifestFiles() =>
        Directory.EnumerateFiles(Repo.K8s).Select(Path.GetFileName).OfType<string>()
            .Where(f => (f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)) && f != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

    private Manifest One(string kind, string name) =>
        _manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name) ?? throw new Xunit.Sdk.XunitException($"deploy/k8s has no {kind}/{name}");

    private Manifest SiloSet => One("StatefulSet", "parkgrid-silo");
    private Node SiloContainer => Assert.Single(SiloSet.Containers);

    private static Dictionary<string, Node> EnvOf(Node container) => container["env"].Items.ToDictionary(e => e["name"].S, e => e);

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>A port given by number or by name, resolved against a container's ports.</summary>
    private static int ResolvePort(Node port, Node container, string where)
    {
        if (int.TryParse(port.S, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return number;
        var named = container["ports"].Items.FirstOrDefault(p => p["name"].Str == port.S);
        Assert.True(named is not null, $"{where}: no container port named {port.S}");
        return named["containerPort"].Int;
    }

    private static int ContainerPort(Node container) => Assert.Single(container["ports"].Items)["containerPort"].Int;

    [Fact]
    public void Every_manifest_parses_and_is_a_named_object_in_the_parkgrid_namespace()
    {
        Assert.NotEmpty(_manifests);
        foreach (var m in _manifests)
        {
            Assert.True(m.Doc["apiVersion"].Str is { Length: > 0 }, $"{m.File}: apiVersion missing");
            Assert.True(m.Doc["kind"].Str is { Length: > 0 }, $"{m.File}: kind missing");
            Assert.True(m.Doc["metadata"]["name"].Str is { Length: > 0 }, $"{m.File}: metadata.name missing");
            if (m.Kind == "Namespace") Assert.Equal(Namespace, m.Name);
            else Assert.True(m.Doc["metadata"]["namespace"].Str == Namespace, $"{m}: namespace is not {Namespace}");
            Assert.True(m.Doc["metadata"]["labels"]["app.kubernetes.io/name"].Str == "parkgrid", $"{m}: label app.kubernetes.io/name: parkgrid missing");
        }
        Assert.Equal(_manifests.Count, _manifests.Select(m => (m.Kind, m.Name)).Distinct().Count());
    }

    [Fact]
    public void Workload_selectors_match_their_pod_templates()
    {
        var workloads = _manifests.Where(m => Workloads.Contains(m.Kind)).ToList();
        Assert.NotEmpty(workloads);
        foreach (var w in workloads)
        {
            Assert.True(w.PodLabels.ContainsKey("app.kubernetes.io/component"), $"{w}: pods without app.kubernetes.io/component");
            if (w.Kind == "Job") continue; // the Job controller makes its own selector
            var selector = w.Doc["spec"]["selector"]["matchLabels"].StringMap();
            Assert.True(Selects(selector, w.PodLabels), $"{w}: selector {string.Join(",", selector)} does not match the template's labels");
        }
        Assert.Equal("silo", SiloSet.PodLabels["app.kubernetes.io/component"]);
    }

    [Fact]
    public void Services_select_pods_and_target_their_container_port()
    {
        var services = _manifests.Where(m => m.Kind == "Service").ToList();
        Assert.NotEmpty(services);
        var workloads = _manifests.Where(m => Workloads.Contains(m.Kind)).ToList();
        foreach (var s in services)
        {
            var selector = s.Doc["spec"]["selector"].StringMap();
            var selected = workloads.Where(w => Selects(selector, w.PodLabels)).ToList();
            var set = Assert.Single(selected); // exactly one workload: the silo Services must not pick up postgres or the Job
            foreach (var port in s.Doc["spec"]["ports"].Items)
            {
                var target = port["targetPort"].Exists ? port["targetPort"] : port["port"];
                var container = Assert.Single(set.Containers);
                var resolved = ResolvePort(target, container, s.ToString());
                Assert.True(container["ports"].Items.Any(p => p["containerPort"].Int == resolved), $"{s}: targetPort {resolved} is no containerPort of {set}");
            }
        }
        var gateway = One("Service", "parkgrid-gateway");
        Assert.Equal(SiloSet.Name, services.Where(s => s.Name == gateway.Name)
            .Select(s => workloads.Single(w => Selects(s.Doc["spec"]["selector"].StringMap(), w.PodLabels)).Name).Single());
        var gatewayPort = Assert.Single(gateway.Doc["spec"]["ports"].Items);
        Assert.Equal(80, gatewayPort["port"].Int);
        Assert.Equal(ContainerPort(SiloContainer), ResolvePort(gatewayPort["targetPort"], SiloContainer, "parkgrid-gateway"));
    }

    [Fact]
    public void Silo_statefulset_is_governed_by_a_headless_service_and_has_three_replicas()
    {
        var headless = One("Service", SiloSet.Doc["spec"]["serviceName"].S);
        Assert.Equal("None", headless.Doc["spec"]["clusterIP"].Str);
        Assert.True(Selects(headless.Doc["spec"]["selector"].StringMap(), SiloSet.PodLabels), "the headless Service does not select the silo pods");
        Assert.Equal(3, SiloSet.Doc["spec"]["replicas"].Int);
        Assert.True(SiloSet.PodTemplate["spec"]["terminationGracePeriodSeconds"].Int >= 30, "the silo flushes state on SIGTERM: terminationGracePeriodSeconds ≥ 30");
    }

    [Fact]
    public void Silo_container_listens_where_its_probes_and_urls_say()
    {
        var container = SiloContainer;
        var port = ContainerPort(container);
        Assert.Equal(Image.ExposedPort(), port);
        var urls = new Uri(EnvOf(container)["ASPNETCORE_URLS"]["value"].S.Split(';')[0]);
        Assert.Equal("0.0.0.0", urls.Host);
        Assert.Equal(port, urls.Port);
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var get = container[probe]["httpGet"];
            Assert.True(get.Exists, $"silo: {probe} is not an httpGet");
            Assert.Equal("/health", get["path"].S);
            Assert.Equal(port, ResolvePort(get["port"], container, probe));
        }
        Assert.Equal(Image.Name, container["image"].S.Split(':')[0]);
        foreach (var kind in new[] { "requests", "limits" })
            foreach (var resource in new[] { "cpu", "memory" })
                Assert.True(container["resources"][kind][resource].Exists, $"silo: resources.{kind}.{resource} missing");
    }

    [Fact]
    public void Silo_env_uses_only_silo_variables_and_advertises_its_stable_dns_name()
    {
        var envList = SiloContainer["env"].Items;
        var env = EnvOf(SiloContainer);
        foreach (var required in Image.RequiredSiloVariables)
            Assert.True(env.ContainsKey(required), $"silo: {required} is not set");
        foreach (var name in env.Keys)
            Assert.True(Image.SiloVariables.Contains(name), $"silo: the silo does not read {name} (SiloArguments.Options)");

        Assert.Equal("metadata.name", env["PARKGRID_SILO_NAME"]["valueFrom"]["fieldRef"]["fieldPath"].S);
        var advertise = env["PARKGRID_ADVERTISE"]["value"].S;
        // $(VAR) is expanded only from variables defined earlier in the list.
        var names = envList.Select(e => e["name"].S).ToList();
        foreach (Match reference in Regex.Matches(advertise, @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)"))
        {
            var index = names.IndexOf(reference.Groups[1].Value);
            Assert.True(index >= 0 && index < names.IndexOf("PARKGRID_ADVERTISE"), $"PARKGRID_ADVERTISE refers to {reference.Value}, not defined before it");
        }
        var uri = new Uri(advertise.Replace("$(PARKGRID_SILO_NAME)", "parkgrid-silo-0"));
        var headless = SiloSet.Doc["spec"]["serviceName"].S;
        var allowed = new[] { $"parkgrid-silo-0.{headless}", $"parkgrid-silo-0.{headless}.{Namespace}", $"parkgrid-silo-0.{headless}.{Namespace}.svc", $"parkgrid-silo-0.{headless}.{Namespace}.svc.cluster.local" };
        Assert.Contains(uri.Host, allowed);
        Assert.Equal(ContainerPort(SiloContainer), uri.Port);
        Assert.Equal("parkgrid", env["PARKGRID_CLUSTER"]["value"].S);
    }

    [Fact]
    public void Silo_store_comes_from_the_secret_and_points_at_the_postgres_service()
    {
        var reference = EnvOf(SiloContainer)["PARKGRID_STORE"]["valueFrom"]["secretKeyRef"];
        var secret = One("Secret", reference["name"].S);
        var data = secret.Doc["stringData"].StringMap();
        Assert.True(data.TryGetValue(reference["key"].S, out var connectionString), $"Secret {secret.Name} has no key {reference["key"].S}");
        var store = new NpgsqlConnectionStringBuilder(connectionString);

        var postgresSet = _manifests.Single(m => m.Kind == "StatefulSet" && m.PodLabels.GetValueOrDefault("app.kubernetes.io/component") == "postgres");
        var service = _manifests.Single(m => m.Kind == "Service" && Selects(m.Doc["spec"]["selector"].StringMap(), postgresSet.PodLabels));
        Assert.Equal(service.Name, store.Host);
        Assert.Equal(store.Port, Assert.Single(service.Doc["spec"]["ports"].Items)["port"].Int);

        // What the postgres container is created with (POSTGRES_* from the same Secret) must be what the silos log in with.
        var pgEnv = EnvOf(Assert.Single(postgresSet.Containers));
        string PgValue(string name)
        {
            var e = pgEnv[name];
            if (e["value"].Exists) return e["value"].S;
            var r = e["valueFrom"]["secretKeyRef"];
            return One("Secret", r["name"].S).Doc["stringData"][r["key"].S].S;
        }
        Assert.Equal(PgValue("POSTGRES_USER"), store.Username);
        Assert.Equal(PgValue("POSTGRES_PASSWORD"), store.Password);
        Assert.Equal(PgValue("POSTGRES_DB"), store.Database);
    }

    [Fact]
    public void Postgres_is_a_single_replica_statefulset_with_a_volume_claim_marked_trial_only()
    {
        var text = Repo.Read("deploy/k8s/postgres.yaml");
        Assert.Contains("trial use, not production", text, StringComparison.OrdinalIgnoreCase);
        var set = _manifests.Single(m => m.File == "postgres.yaml" && m.Kind == "StatefulSet");
        Assert.Equal(1, set.Doc["spec"]["replicas"].Int);
        Assert.Equal("postgres:15", Assert.Single(set.Containers)["image"].S);
        var claim = Assert.Single(set.Doc["spec"]["volumeClaimTemplates"].Items)["metadata"]["name"].S;
        Assert.Contains(Assert.Single(set.Containers)["volumeMounts"].Items, v => v["name"].S == claim && v["mountPath"].S == "/var/lib/postgresql/data");
        Assert.Equal("None", One("Service", set.Doc["spec"]["serviceName"].S).Doc["spec"]["clusterIP"].Str);
    }

    [Fact]
    public void Simulation_job_is_indexed_with_one_completion_per_shard_and_a_valid_command_line()
    {
        var job = _manifests.Single(m => m.Kind == "Job");
        Assert.Equal("Indexed", job.Doc["spec"]["completionMode"].S);
        var completions = job.Doc["spec"]["completions"].Int;
        CheckSimulationPod(job, completions, "simulation-job.yaml");
    }

    /// <summary>The merge Job shown in deploy/README.md merges exactly the directories the sweep writes.</summary>
    [Fact]
    public void Readme_merge_job_merges_the_shards_of_the_sweep()
    {
        var job = _manifests.Single(m => m.Kind == "Job");
        var simArgs = Assert.Single(job.Containers)["args"].Items.Select(a => a.S).ToList();
        var outPattern = Image.OptionValue(simArgs, "--out")!;
        var shards = Enumerable.Range(0, job.Doc["spec"]["completions"].Int)
            .Select(i => outPattern.Replace("$(JOB_COMPLETION_INDEX)", i.ToString(CultureInfo.InvariantCulture))).ToList();

        var readme = Repo.Read("deploy/README.md");
        var blocks = Regex.Matches(readme, "```yaml\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var merges = blocks.SelectMany(b => Yaml.Parse(b, "deploy/README.md")).Where(d => d["kind"].Str == "Job").Select(d => new Manifest("README.md", d)).ToList();
        var merge = Assert.Single(merges);
        var container = Assert.Single(merge.Containers);
        Assert.Equal(Assert.Single(job.Containers)["command"].Items.Select(i => i.S), container["command"].Items.Select(i => i.S));
        var args = container["args"].Items.Select(a => a.S).ToList();
        var parse = Image.ParseCli(args, "README merge Job");
        Assert.Equal("merge", parse.CommandResult.Command.Name);
        var inputs = parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().Single().Tokens.Select(t => t.Value).ToList();
        Assert.Equal(shards, inputs);
        // Same volume as the sweep.
        var claim = (Manifest m) => m.PodTemplate["spec"]["volumes"].Items.Select(v => v["persistentVolumeClaim"]["claimName"].Str).OfType<string>().Single();
        Assert.Equal(claim(job), claim(merge));
    }

    private void CheckSimulationPod(Manifest job, int completions, string where)
    {
        var container = Assert.Single(job.Containers);
        // The image's default entrypoint is the silo: the Job runs the CLI instead.
        Assert.Equal(new[] { "dotnet", $"{Image.PublishedDirectory("src/ParkGrid.Cli/ParkGrid.Cli.csproj")}/{Image.CliAssembly}.dll" },
            container["command"].Items.Select(i => i.S));
        var args = container["args"].Items.Select(a => a.S).ToList();

        // Every $(VAR) in args must be defined in the container's env (else Kubernetes leaves it as is).
        var env = EnvOf(container);
        foreach (Match m in Regex.Matches(string.Join(' ', args), @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)"))
            Assert.True(env.ContainsKey(m.Groups[1].Value), $"{where}: args refer to $({m.Groups[1].Value}), not in env");
        if (env.TryGetValue("JOB_COMPLETION_INDEX", out var index))
            Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", index["valueFrom"]["fieldRef"]["fieldPath"].S);

        var concrete = args.Select(a => a.Replace("$(JOB_COMPLETION_INDEX)", "0")).ToList();
        var parse = Image.ParseCli(concrete, where);
        Assert.Equal("simulate", parse.CommandResult.Command.Name);

        // One shard per completion, the index from JOB_COMPLETION_INDEX: --shard-count n with n = completions, no fixed --shard.
        Assert.Null(Image.OptionValue(args, "--shard"));
        var shardCount = int.Parse(Image.OptionValue(args, "--shard-count") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(shardCount == completions, $"{where}: completions {completions} but --shard-count {shardCount}");
        for (var i = 0; i < completions; i++)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal((i, shardCount), SimulationCommands.ParseShard(null, shardCount, v => v == "JOB_COMPLETION_INDEX" ? text : null));
        }

        // Each shard writes its own directory, on a mounted volume (else the results die with the pod).
        var output = Image.OptionValue(args, "--out")!;
        Assert.Contains("$(JOB_COMPLETION_INDEX)", output);
        var mount = container["volumeMounts"].Items.FirstOrDefault(v => output.StartsWith(v["mountPath"].S.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.True(mount is not null, $"{where}: --out {output} is not on a mounted volume");
        var volume = job.PodTemplate["spec"]["volumes"].Items.Single(v => v["name"].S == mount["name"].S);
        if (volume["persistentVolumeClaim"].Exists) One("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"].S);

        // The scenario is in the image, from simulations/scenarios.
        var scenario = Image.ScenarioArgument(parse);
        var source = Image.SourceOf(scenario);
        Assert.True(source is not null && File.Exists(source), $"{where}: scenario {scenario} is not in the image");
        Assert.StartsWith(Repo.PathOf("simulations/scenarios") + Path.DirectorySeparatorChar, source);
        Assert.Equal("Never", job.PodTemplate["spec"]["restartPolicy"].S);
    }

    [Fact]
    public void Kustomization_lists_every_manifest_and_only_existing_ones()
    {
        var kustomization = Yaml.Load("deploy/k8s/kustomization.yaml");
        Assert.Equal("Kustomization", kustomization["kind"].S);
        Assert.Equal(Namespace, kustomization["namespace"].S);
        var resources = kustomization["resources"].Items.Select(r => r.S).ToList();
        foreach (var r in resources)
            Assert.True(File.Exists(Path.Combine(Repo.K8s, r)), $"kustomization.yaml lists {r}, which does not exist");
        Assert.Equal(resources.Count, resources.Distinct().Count());
        Assert.Equal(ManifestFiles().ToList(), resources.Order(StringComparer.Ordinal).ToList());
        foreach (var file in new[] { "postgres.yaml", "silo.yaml", "gateway-service.yaml", "simulation-job.yaml" })
            Assert.Contains(file, resources);
    }
}
