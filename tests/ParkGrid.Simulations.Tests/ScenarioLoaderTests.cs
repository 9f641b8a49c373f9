namespace ParkGrid.Simulations.Tests;

public sealed class ScenarioLoaderTests
{
    private static ScenarioException Fails(string yaml) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "bad.yaml"));

    [Fact]
    public void A_valid_scenario_is_read_with_every_field()
    {
        var s = TestScenarios.Parse();
        Assert.Equal("small", s.Name);
        Assert.Equal(101, s.EnterpriseCount);
        Assert.Equal(3, s.Policies.Count);
        Assert.Equal("lognormal", s.Departments[0].HandlingDays.Kind);
        Assert.Equal(4, s.Departments[0].HandlingDays.Sample(new Random(1)) > 0 ? 4 : 0);
        Assert.Equal("market", s.DepartmentFor(ParkGrid.Domain.Cases.CaseCategory.TooManyInspections));
        Assert.Equal(64, s.Hash.Length);
        Assert.Contains(new KeyValuePair<string, string>("handlers.market", "2"), s.Policies[2].BehaviourOverrides);
    }

    [Fact]
    public void Every_shipped_scenario_loads()
    {
        var files = Directory.GetFiles(Scenarios.Directory, "*.yaml");
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var s = ScenarioLoader.LoadFile(f);
            foreach (var i in Enumerable.Range(0, s.Policies.Count)) Assert.NotNull(new SimulationRun(s, i, 0).Policy);
        }
    }

    [Fact]
    public void An_unknown_field_names_file_line_field_and_a_hint()
    {
        var e = Fails(TestScenarios.Small.Replace("replications: 3", "replicatoins: 3"));
        Assert.Equal("bad.yaml", e.File);
        Assert.Equal(3, e.Line);
        Assert.Equal("replicatoins", e.Field);
        Assert.Contains("replications", e.Hint);
        Assert.StartsWith("bad.yaml:3:", e.Message);
    }

    [Fact]
    public void A_bad_number_names_its_nested_field()
    {
        var e = Fails(TestScenarios.Small.Replace("substantiatedShare: 0.7", "substantiatedShare: 1.7"));
        Assert.Equal("behaviour.substantiatedShare", e.Field);
        Assert.Equal(25, e.Line);
        Assert.Contains("between 0 and 1", e.Hint);
    }

    [Fact]
    public void An_unknown_category_gets_the_closest_name()
    {
        var e = Fails(TestScenarios.Small.Replace("SlowApproval: 0.5", "SlowAproval: 0.5"));
        Assert.Equal("problems.perEnterprisePerYear.SlowAproval", e.Field);
        Assert.Equal(19, e.Line);
        Assert.Contains("did you mean SlowApproval", e.Hint);
    }

    [Fact]
    public void A_bad_policy_override_names_the_policy_field()
    {
        var e = Fails(TestScenarios.Small.Replace("visitCadence: P14D", "visitCadence: fortnightly"));
        Assert.Equal("policies[1].overrides.visitCadence", e.Field);
        Assert.Equal(29, e.Line);
    }

    [Fact]
    public void Bad_values_and_syntax_are_reported_with_position()
    {
        Assert.Equal("period.start", Fails(TestScenarios.Small.Replace("start: 2025-03-01", "start: 2025-13-01")).Field);
        Assert.Equal("departments[1].handlingDays.distribution", Fails(TestScenarios.Small.Replace("distribution: exponential", "distribution: exponentail")).Field);
        Assert.Equal("(syntax)", Fails("name: x\nperiod: {start: 2025-01-01\n").Field);
        Assert.Equal("departments[0].handlers", Fails(TestScenarios.Small.Replace("handlers: 2,", "handlers: two,")).Field);
        var missing = Fails(TestScenarios.Small.Replace("name: small\n", ""));
        Assert.Equal("name", missing.Field);
    }

    [Fact]
    public void Shards_come_from_the_option_or_the_job_index()
    {
        Assert.Equal((2, 4), SimulationCommands.ParseShard("2/4", null));
        Assert.Equal((3, 5), SimulationCommands.ParseShard(null, 5, _ => "3"));
        Assert.Equal((0, 1), SimulationCommands.ParseShard(null, null));
        Assert.Throws<ArgumentException>(() => SimulationCommands.ParseShard("4/4", null));
        Assert.Throws<ArgumentException>(() => SimulationCommands.ParseShard(null, 2, _ => null));
    }
}
