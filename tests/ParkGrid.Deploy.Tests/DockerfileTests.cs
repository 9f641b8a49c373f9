using ParkGrid.Deploy.Tests.Infrastructure;

namespace ParkGrid.Deploy.Tests;

/// <summary>deploy/Dockerfile and .dockerignore, read statically (no Docker engine here).</summary>
public class DockerfileTests
{
    private const string SiloProject = "src/ParkGrid.Silo/ParkGrid.Silo.csproj";
    private const string CliProject = "src/ParkGrid.Cli/ParkGrid.Cli.csproj";

    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_runtime()
    {
        Assert.True(_dockerfile.Stages.Count >= 2, "a multi-stage build");
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", _dockerfile.Stages[0].Image);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", _dockerfile.Stages[_dockerfile.FinalStage].Image);
        // The final stage holds no SDK and no sources: only publish outputs (COPY --from) and the scenarios.
        foreach (var copy in _dockerfile.InStage(_dockerfile.FinalStage, "COPY"))
        {
            var (flags, sources, _) = copy.CopyParts();
            if (flags.ContainsKey("from")) continue;
            Assert.All(sources, s => Assert.StartsWith("simulations/scenarios", s, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Publishes_existing_projects_in_release_the_silo_and_the_cli()
    {
        var publishes = _dockerfile.Publishes();
        Assert.NotEmpty(publishes);
        foreach (var (project, _, at) in publishes)
        {
            Assert.True(File.Exists(Repo.PathOf(project)), $"line {at.Line}: {project} does not exist");
            Assert.Equal(0, at.Stage);
        }
        var published = publishes.Select(p => Repo.Relative(Repo.PathOf(p.Project))).ToHashSet();
        Assert.Contains(SiloProject, published);
        Assert.Contains(CliProject, published);
        foreach (var command in _dockerfile.Commands("publish"))
        {
            var c = Array.FindIndex(command.Words, w => w is "-c" or "--configuration");
            Assert.True(c >= 0 && command.Words[c + 1] == "Release", $"line {command.At.Line}: publish without -c Release");
        }
    }

    [Fact]
    public void Places_silo_cli_and_scenarios_where_the_manifests_expect_them()
    {
        Assert.Equal("/app/silo", Image.PublishedDirectory(SiloProject));
        Assert.Equal("/app/cli", Image.PublishedDirectory(CliProject));
        var scenarios = Image.SourceOf("/app/scenarios/xiangan.yaml");
        Assert.Equal(Repo.PathOf("simulations/scenarios/xiangan.yaml"), scenarios);
        Assert.True(File.Exists(scenarios));
    }

    [Fact]
    public void Restores_from_every_project_file_the_published_projects_reference()
    {
        // The restore layer is built from project files only: a project missing there makes the restore (or the
        // --no-restore publish) fail. Also the central props must be there before the restore.
        var firstRestore = _dockerfile.Commands("restore").Select(c => c.At.Line).DefaultIfEmpty(int.MaxValue).Min();
        var copiedBeforeRestore = _dockerfile.InStage(0, "COPY").Where(c => c.Line < firstRestore)
            .SelectMany(c => c.CopyParts().Sources).Select(s => s.TrimStart('.', '/')).ToHashSet(StringComparer.Ordinal);
        var needed = Repo.ProjectClosure(SiloProject).Union(Repo.ProjectClosure(CliProject)).Append("Directory.Build.props").Append("Directory.Packages.props");
        foreach (var file in needed)
            Assert.True(copiedBeforeRestore.Contains(file), $"deploy/Dockerfile does not copy {file} before 'dotnet restore'");
        foreach (var source in copiedBeforeRestore)
            Assert.True(File.Exists(Repo.PathOf(source)), $"deploy/Dockerfile copies {source}, which does not exist");
    }

    [Fact]
    public void Copies_the_sources_the_build_needs_including_the_embedded_sql()
    {
        var sources = _dockerfile.InStage(0, "COPY").SelectMany(c => c.CopyParts().Sources).Select(s => s.TrimEnd('/')).ToList();
        foreach (var source in sources)
            Assert.True(File.Exists(Repo.PathOf(source)) || Directory.Exists(Repo.PathOf(source)), $"COPY {source}: not in the repository");
        // Every directory of a published project, and every file a project pulls in from outside its folder
        // (ParkGrid.Persistence.AdoNet embeds deploy/sql/*), must be under a copied path.
        var needed = Repo.ProjectClosure(SiloProject).Union(Repo.ProjectClosure(CliProject))
            .Select(p => Path.GetDirectoryName(p)!.Replace('\\', '/'))
            .Append("deploy/sql/postgresql").Append("deploy/sql/sqlite");
        foreach (var dir in needed)
            Assert.True(sources.Any(s => dir == s || dir.StartsWith(s + "/", StringComparison.Ordinal)), $"deploy/Dockerfile does not copy {dir}");
    }

    [Fact]
    public void Entrypoint_runs_the_silo_assembly()
    {
        var entrypoint = Assert.Single(_dockerfile.InStage(_dockerfile.FinalStage, "ENTRYPOINT"));
        var exec = entrypoint.ExecForm;
        Assert.NotNull(exec); // exec form, so that the silo is PID 1 and gets SIGTERM (and flushes its state)
        Assert.Equal(new[] { "dotnet", $"{Image.PublishedDirectory(SiloProject)}/{Image.SiloAssembly}.dll" }, exec);
    }

    [Fact]
    public void Listens_on_all_interfaces_on_the_exposed_port()
    {
        var env = _dockerfile.Env(_dockerfile.FinalStage);
        Assert.True(env.TryGetValue("ASPNETCORE_URLS", out var urls), "ENV ASPNETCORE_URLS missing");
        Assert.Contains("ASPNETCORE_URLS", Image.SiloVariables);
        var uri = new Uri(urls!.Split(';')[0].Replace("+", "0.0.0.0").Replace("*", "0.0.0.0"));
        Assert.Equal("0.0.0.0", uri.Host); // the silo defaults to loopback, which is unreachable from outside the container
        Assert.Equal(Image.ExposedPort(), uri.Port);
    }

    [Fact]
    public void Runs_as_a_non_root_user()
    {
        var user = _dockerfile.InStage(_dockerfile.FinalStage, "USER").LastOrDefault();
        Assert.NotNull(user);
        var name = user.Arguments.Split(':')[0];
        Assert.DoesNotContain(name, new[] { "root", "0", "" });
        // USER comes after the RUNs that need root (creating /data, /results) and before the ENTRYPOINT.
        var entrypoint = _dockerfile.InStage(_dockerfile.FinalStage, "ENTRYPOINT").Single();
        Assert.True(user.Line < entrypoint.Line);
        Assert.All(_dockerfile.InStage(_dockerfile.FinalStage, "RUN"), r => Assert.True(r.Line < user.Line, $"line {r.Line}: RUN after USER"));
    }

    [Fact]
    public void Dockerignore_leaves_out_build_outputs_and_keeps_what_the_build_copies()
    {
        var ignore = new DockerIgnore(Repo.Read(".dockerignore"));
        foreach (var junk in new[] { "src/ParkGrid.Silo/bin/Release/net10.0/ParkGrid.Silo.dll", "src/ParkGrid.Silo/obj/project.assets.json",
                     "simulations/ParkGrid.Simulations/obj/x.cs", ".git/HEAD", ".parkgrid/parkgrid.db", "tests/ParkGrid.Silo.Tests/TestResults/a.trx" })
            Assert.True(ignore.Excludes(junk), $".dockerignore does not leave out {junk}");

        // Every file under what the Dockerfile copies from the context (bin/obj aside) must reach the build.
        var sources = _dockerfile.Instructions.Where(i => i.Keyword == "COPY").Select(i => i.CopyParts())
            .Where(c => !c.Flags.ContainsKey("from")).SelectMany(c => c.Sources).Select(s => s.TrimEnd('/'));
        var checkedFiles = 0;
        foreach (var source in sources)
        {
            var full = Repo.PathOf(source);
            var files = File.Exists(full) ? [full] : Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories);
            foreach (var file in files.Select(Repo.Relative).Where(f => !IsLocalJunk(f)))
            {
                Assert.False(ignore.Excludes(file), $".dockerignore leaves out {file}, which deploy/Dockerfile copies");
                checkedFiles++;
            }
        }
        Assert.True(checkedFiles > 50, $"only {checkedFiles} files checked");
    }

    /// <summary>What a working copy has beside the sources (build outputs, local stores; see .gitignore): not needed by the build.</summary>
    private static bool IsLocalJunk(string path) =>
        path.Split('/').Any(s => s is "bin" or "obj" or ".parkgrid" or "TestResults") ||
        new[] { ".db", ".db-wal", ".db-shm", ".swp" }.Any(e => path.EndsWith(e, StringComparison.Ordinal));
}
