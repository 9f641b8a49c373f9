using Npgsql;
using ParkGrid.Deploy.Tests.Infrastructure;

namespace ParkGrid.Deploy.Tests;

/// <summary>deploy/compose.yaml: PostgreSQL and three clustered silos (never run here: docker compose is not installed).</summary>
public class ComposeTests
{
    private readonly Node _compose = Yaml.Load("deploy/compose.yaml");

    private IReadOnlyList<KeyValuePair<string, Node>> Services => _compose["services"].Entries;

    /// <summary>The silo services: the ParkGrid image with its default entrypoint (the silo).</summary>
    private List<KeyValuePair<string, Node>> Silos() =>
        Services.Where(s => (s.Value["image"].Str ?? "").Split(':')[0] == Image.Name && !s.Value["entrypoint"].Exists).ToList();

    private KeyValuePair<string, Node> Postgres() =>
        Assert.Single(Services, s => (s.Value["image"].Str ?? "").StartsWith("postgres:", StringComparison.Ordinal));

    /// <summary>environment: as a mapping or as a list of KEY=VALUE.</summary>
    private static Dictionary<string, string> Env(Node service)
    {
        var env = service["environment"];
        if (env.Items.Count > 0)
            return env.Items.Select(i => i.S.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        return env.Entries.ToDictionary(kv => kv.Key, kv => kv.Value.Str ?? "");
    }

    /// <summary>ports: "host:container", "ip:host:container" or the long form; (published, target).</summary>
    private static List<(string Published, int Target)> Ports(Node service) => service["ports"].Items.Select(p =>
    {
        if (p["target"].Exists) return (p["published"].Str ?? "", p["target"].Int);
        var parts = p.S.Split('/')[0].Split(':');
        return (parts.Length > 1 ? parts[^2] : "", int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
    }).ToList();

    [Fact]
    public void Has_postgres_15_and_three_silos_from_the_image()
    {
        Assert.Equal("postgres:15", Postgres().Value["image"].S);
        var silos = Silos();
        Assert.Equal(3, silos.Count);
        Assert.All(silos, s => Assert.Equal($"{Image.Name}:latest", s.Value["image"].S));
        foreach (var (name, silo) in silos.Where(s => s.Value["build"].Exists))
        {
            // build.context is relative to deploy/; the Dockerfile relative to the context.
            var context = Path.GetFullPath(Path.Combine(Repo.Deploy, silo["build"]["context"].S));
            Assert.Equal(Repo.Root.TrimEnd('/'), context.TrimEnd('/'));
            Assert.True(File.Exists(Path.Combine(context, silo["build"]["dockerfile"].S)), $"{name}: build.dockerfile not found");
        }
    }

    [Fact]
    public void Every_silo_sets_the_cluster_variables_and_only_variables_the_silo_knows()
    {
        Assert.All(Image.RequiredSiloVariables, v => Assert.Contains(v, Image.SiloVariables));
        foreach (var (name, silo) in Silos())
        {
            var env = Env(silo);
            foreach (var required in Image.RequiredSiloVariables)
                Assert.True(env.TryGetValue(required, out var value) && value.Length > 0, $"{name}: {required} is not set");
            foreach (var variable in env.Keys)
                Assert.True(Image.SiloVariables.Contains(variable), $"{name}: the silo does not read {variable} (SiloArguments.Options)");
        }
    }

    [Fact]
    public void Ports_agree_between_urls_port_mappings_and_expose()
    {
        var exposed = Image.ExposedPort();
        var hostPorts = new List<string>();
        foreach (var (name, silo) in Silos())
        {
            var urls = new Uri(Env(silo)["ASPNETCORE_URLS"].Split(';')[0]);
            Assert.Equal("0.0.0.0", urls.Host);
            Assert.Equal(exposed, urls.Port);
            var ports = Ports(silo);
            Assert.NotEmpty(ports);
            Assert.All(ports, p => Assert.True(p.Target == urls.Port, $"{name}: maps to container port {p.Target}, the silo listens on {urls.Port}"));
            hostPorts.AddRange(ports.Select(p => p.Published));
        }
        Assert.Equal(new[] { "5081", "5082", "5083" }, hostPorts.Order());
    }

    [Fact]
    public void Each_silo_advertises_its_own_service_name_and_has_a_distinct_name()
    {
        var names = new List<string>();
        var clusters = new HashSet<string>();
        foreach (var (name, silo) in Silos())
        {
            var env = Env(silo);
            var advertise = new Uri(env["PARKGRID_ADVERTISE"]);
            Assert.Equal(name, advertise.Host); // the name other silos resolve on the compose network
            Assert.Equal(new Uri(env["ASPNETCORE_URLS"].Split(';')[0]).Port, advertise.Port);
            names.Add(env["PARKGRID_SILO_NAME"]);
            clusters.Add(env["PARKGRID_CLUSTER"]);
        }
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Single(clusters);
    }

    [Fact]
    public void The_store_connection_string_points_at_the_postgres_service_with_its_credentials()
    {
        var (postgresName, postgres) = Postgres();
        var pgEnv = Env(postgres);
        foreach (var (name, silo) in Silos())
        {
            var store = new NpgsqlConnectionStringBuilder(Env(silo)["PARKGRID_STORE"]);
            Assert.True(store.Host == postgresName, $"{name}: Host={store.Host}, the PostgreSQL service is {postgresName}");
            Assert.Equal(pgEnv.GetValueOrDefault("PGPORT", "5432"), store.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(pgEnv["POSTGRES_USER"], store.Username);
            Assert.Equal(pgEnv["POSTGRES_PASSWORD"], store.Password);
            Assert.Equal(pgEnv.GetValueOrDefault("POSTGRES_DB", pgEnv["POSTGRES_USER"]), store.Database);
        }
    }

    [Fact]
    public void Silos_wait_for_a_healthy_postgres_with_a_named_volume_and_time_to_flush()
    {
        var (postgresName, postgres) = Postgres();
        var test = string.Join(' ', postgres["healthcheck"]["test"].Items.Select(i => i.S).DefaultIfEmpty(postgres["healthcheck"]["test"].Str ?? ""));
        Assert.Contains("pg_isready", test);
        var volume = Assert.Single(postgres["volumes"].Items).S.Split(':');
        Assert.Equal("/var/lib/postgresql/data", volume[1]);
        Assert.Contains(_compose["volumes"].Entries, v => v.Key == volume[0]);
        foreach (var (name, silo) in Silos())
        {
            Assert.True(silo["depends_on"][postgresName]["condition"].Str == "service_healthy", $"{name}: does not wait for {postgresName} to be healthy");
            var grace = silo["stop_grace_period"].Str;
            Assert.True(grace is not null && TimeSpan.FromSeconds(int.Parse(grace.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture)) >= TimeSpan.FromSeconds(30),
                $"{name}: stop_grace_period {grace} (the silo flushes state on SIGTERM; at least 30s)");
        }
    }

    [Fact]
    public void The_sim_service_runs_a_valid_simulate_command_line_into_a_volume()
    {
        var sim = Assert.Single(Services, s => s.Value["entrypoint"].Exists).Value;
        Assert.Contains(sim["profiles"].Items, p => p.S == "sim");
        Assert.Equal(new[] { "dotnet", $"/app/cli/{Image.CliAssembly}.dll" }, sim["entrypoint"].Items.Select(i => i.S));
        Assert.Equal("/app/cli", Image.PublishedDirectory("src/ParkGrid.Cli/ParkGrid.Cli.csproj"));
        var args = sim["command"].Items.Select(i => i.S).ToList();
        var parse = Image.ParseCli(args, "compose sim");
        Assert.Equal("simulate", parse.CommandResult.Command.Name);
        var scenario = Image.SourceOf(Image.ScenarioArgument(parse));
        Assert.True(scenario is not null && File.Exists(scenario), $"compose sim: the scenario {Image.ScenarioArgument(parse)} is not in the image");
        var output = Image.OptionValue(args, "--out")!;
        var mounts = sim["volumes"].Items.Select(v => v.S.Split(':')).ToList();
        Assert.Contains(mounts, m => output.StartsWith(m[1].TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.All(mounts, m => Assert.Contains(_compose["volumes"].Entries, v => v.Key == m[0]));
    }
}
