using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace ParkGrid.Cli.Tests;

public class CliTests(CliFixture silo) : IClassFixture<CliFixture>
{
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task<string> FileCaseAsync(string category = "SlowApproval", string enterprise = "xa-0001")
    {
        var run = await silo.RunAsync("case", "file", "--channel", "Hotline12345", "--category", category,
            "--enterprise", enterprise, "--park", CliFixture.Park, "--summary", "审批超过承诺时限", "--actor", "12345-clerk");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Out.Trim();
        Assert.False(string.IsNullOrWhiteSpace(id), run.ToString());
        Assert.DoesNotContain('\n', id);
        return id;
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_exit_codes()
    {
        var run = await silo.RunAsync("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "grains", "call", "parks", "park", "case", "cases", "watch" })
            Assert.Contains($"  {command} ", run.Out);
        Assert.Contains("--silo", run.Out);
        Assert.Contains("Exit codes: 0 success; 1", run.Out);
        Assert.Contains("3 silo unreachable; 4 not found", run.Out);
    }

    [Theory]
    [InlineData("case", "file")]
    [InlineData("case", "act")]
    [InlineData("watch")]
    [InlineData("call")]
    public async Task Every_command_has_help(params string[] command)
    {
        var run = await silo.RunAsync([.. command, "--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.Contains("parkgrid " + string.Join(' ', command), run.Out);
    }

    [Fact]
    public async Task An_unreachable_silo_exits_3_with_its_address_and_no_stack_trace()
    {
        var address = $"http://127.0.0.1:{FreePort()}";
        var run = await silo.RunAsync("parks", "--silo", address);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("not reachable", run.Error);
        Assert.Contains(address, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal("", run.Out);

        var show = await silo.RunAsync("case", "show", "any", "--silo", address);
        Assert.Equal(3, show.ExitCode);
    }

    [Fact]
    public async Task Several_gateways_are_tried_in_turn_and_all_down_exits_3_naming_each()
    {
        var (down, alsoDown) = ($"http://127.0.0.1:{FreePort()}", $"http://127.0.0.1:{FreePort()}");
        var run = await silo.RunAsync("parks", "--json", "--silo", $"{down},{silo.Address}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(CliFixture.Park, run.Out);

        var none = await silo.RunAsync("parks", "--silo", $"{down}, {alsoDown}");
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("No ParkGrid silo is reachable", none.Error);
        Assert.Contains(down, none.Error);
        Assert.Contains(alsoDown, none.Error);
        Assert.Equal(2, (await silo.RunAsync("parks", "--silo", " , ")).ExitCode);
    }

    [Theory]
    [InlineData("cases", "--bogus")]
    [InlineData("no-such-command")]
    [InlineData("case", "file", "--channel", "Pigeon", "--category", "SlowApproval", "--enterprise", "e", "--park", "p")]
    [InlineData("case", "file", "--channel", "Hotline12345")]
    [InlineData("case", "act", "c-1", "teleport", "--actor", "me")]
    [InlineData("case", "act", "c-1", "start-verification")]
    [InlineData("case", "act", "c-1", "resolve", "--actor", "me", "--score", "101")]
    [InlineData("call", "park", "k", "GetInfo", "[1,")]
    [InlineData("watch", "--count", "0")]
    [InlineData("parks", "--timeout", "-1")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var run = await silo.RunAsync(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.NotEqual("", run.Error.Trim());
    }

    [Fact]
    public async Task An_action_missing_its_field_is_a_usage_error_naming_it()
    {
        var id = await FileCaseAsync();
        var run = await silo.RunAsync("case", "act", id, "assign", "--actor", "supervisor-1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--department", run.Error);
        var show = await silo.RunAsync("case", "show", id, "--json");
        Assert.Contains("\"Received\"", show.Out);
    }

    [Fact]
    public async Task Filing_a_case_prints_its_id_and_show_displays_it()
    {
        var id = await FileCaseAsync();
        var show = await silo.RunAsync("case", "show", id);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(id, show.Out);
        Assert.Contains("Received", show.Out);
        Assert.Contains("SlowApproval", show.Out);
        Assert.Contains("Hotline12345", show.Out);
        Assert.Contains("12345-clerk", show.Out); // the history's first entry
        Assert.Contains("history", show.Out);

        var json = await silo.RunAsync("case", "show", id, "--json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Contains(id, doc.RootElement.GetRawText());
    }

    [Fact]
    public async Task Acting_on_a_case_moves_it_through_its_lifecycle()
    {
        var id = await FileCaseAsync();
        var verify = await silo.RunAsync("case", "act", id, "start-verification", "--actor", "supervisor-1");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("Verifying", verify.Out);
        var substantiate = await silo.RunAsync("case", "act", id, "substantiate", "--actor", "supervisor-1", "--note", "基本属实");
        Assert.True(substantiate.ExitCode == 0, substantiate.ToString());
        Assert.Contains("Substantiated", substantiate.Out);
        var assign = await silo.RunAsync("case", "act", id, "assign", "--actor", "supervisor-1", "--department", "ecology");
        Assert.True(assign.ExitCode == 0, assign.ToString());
        Assert.Contains("Assigned", assign.Out);

        var show = await silo.RunAsync("case", "show", id);
        Assert.Contains("ecology", show.Out);
        Assert.Contains("StartVerification", show.Out);
    }

    [Fact]
    public async Task An_illegal_action_exits_1_naming_the_state_and_the_action()
    {
        var id = await FileCaseAsync();
        var run = await silo.RunAsync("case", "act", id, "resolve", "--actor", "supervisor-1", "--score", "90");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Received", run.Error);
        Assert.Contains("Resolve", run.Error);
        Assert.StartsWith("error: ", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal("", run.Out);

        var show = await silo.RunAsync("case", "show", id, "--json");
        Assert.Contains("\"Received\"", show.Out); // nothing changed
    }

    [Fact]
    public async Task Filing_in_an_unknown_park_is_refused_with_exit_1()
    {
        var run = await silo.RunAsync("case", "file", "--channel", "QrCode", "--category", "Financing",
            "--enterprise", "xa-0002", "--park", "no-such-park");
        Assert.True(run.ExitCode is 1 or 4, run.ToString());
        Assert.Contains("no-such-park", run.Error);
    }

    [Fact]
    public async Task Unknown_things_exit_4()
    {
        var show = await silo.RunAsync("case", "show", "no-such-case");
        Assert.True(show.ExitCode == 4, show.ToString());
        Assert.Contains("no-such-case", show.Error);

        var call = await silo.RunAsync("call", "no-such-grain", "k", "GetInfo");
        Assert.True(call.ExitCode == 4, call.ToString());
        Assert.Contains("field: grainType", call.Error);

        var method = await silo.RunAsync("call", "park", CliFixture.Park, "Explode");
        Assert.True(method.ExitCode == 4, method.ToString());
        Assert.Contains("field: method", method.Error);

        var park = await silo.RunAsync("park", "no-such-park");
        Assert.True(park.ExitCode == 4, park.ToString());
    }

    [Fact]
    public async Task Grains_lists_the_grain_types_and_their_methods()
    {
        var run = await silo.RunAsync("grains");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("IParkGrain", run.Out);
        Assert.Contains("ICaseGrain", run.Out);
        Assert.Contains("StartVerification", run.Out);
    }

    [Fact]
    public async Task Call_invokes_any_grain_method_and_prints_json()
    {
        var run = await silo.RunAsync("call", "park", CliFixture.Park, "GetInfo");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(CliFixture.ParkName, doc.RootElement.GetProperty("name").GetString());
        Assert.Equal(CliFixture.District, doc.RootElement.GetProperty("districtId").GetString());

        var printed = new StringWriter();
        var fromStdin = await CliApp.RunAsync(["call", "park", CliFixture.Park, "ListEnterprises", "-", "--silo", silo.Address], printed, new StringWriter(),
            stdin: new StringReader(" [ ] "));
        Assert.Equal(0, fromStdin);
        Assert.Contains("xa-0001", printed.ToString());
        Assert.Equal(2, await CliApp.RunAsync(["call", "park", CliFixture.Park, "GetInfo", "-", "--silo", silo.Address], new StringWriter(), new StringWriter(),
            stdin: new StringReader("[1,")));

        var bad = await silo.RunAsync("call", "district", CliFixture.District, "AddPark", "[\"only-one-argument\"]");
        Assert.True(bad.ExitCode == 1, bad.ToString());
        Assert.Contains("field: body", bad.Error);
    }

    [Fact]
    public async Task Parks_and_park_show_the_seeded_park()
    {
        var parks = await silo.RunAsync("parks");
        Assert.True(parks.ExitCode == 0, parks.ToString());
        Assert.Contains(CliFixture.Park, parks.Out);

        var park = await silo.RunAsync("park", CliFixture.Park);
        Assert.True(park.ExitCode == 0, park.ToString());
        Assert.Contains(CliFixture.ParkName, park.Out);
    }

    [Fact]
    public async Task Cases_lists_the_open_cases_of_a_park()
    {
        var id = await FileCaseAsync(category: "DemandingFavours", enterprise: "xa-0042");
        // the park and the enterprise learn of the case in a turn after the command: wait until the case has delivered
        CliRun run = null!;
        for (var i = 0; i < 50; i++)
        {
            run = await silo.RunAsync("cases", "--park", CliFixture.Park);
            var show = await silo.RunAsync("case", "show", id, "--json");
            if (run.Out.Contains(id) && show.ExitCode == 0
                && JsonDocument.Parse(show.Out).RootElement.GetProperty("pendingDelivery").GetArrayLength() == 0) break;
            await Task.Delay(100);
        }
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(id, run.Out);
        Assert.Contains("DemandingFavours", run.Out);

        var verifying = await silo.RunAsync("cases", "--park", CliFixture.Park, "--status", "Resolved");
        Assert.Equal(0, verifying.ExitCode);
        Assert.DoesNotContain(id, verifying.Out);

        var byEnterprise = await silo.RunAsync("cases", "--enterprise", "xa-0042", "--category", "DemandingFavours", "--json");
        Assert.True(byEnterprise.ExitCode == 0, byEnterprise.ToString());
        using var doc = JsonDocument.Parse(byEnterprise.Out);
        Assert.Contains(doc.RootElement.EnumerateArray(), c => c.GetProperty("caseId").GetString() == id);
        Assert.All(doc.RootElement.EnumerateArray(), c => Assert.Equal("xa-0042", c.GetProperty("enterpriseId").GetString()));

        Assert.Equal(2, (await silo.RunAsync("cases", "--category", "Gossip")).ExitCode);
    }
}
