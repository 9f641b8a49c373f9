using ParkGrid.Client;
using ParkGrid.Grains;
using ParkGrid.Silo;
using Xunit;

namespace ParkGrid.Cli.Tests;

/// <summary>A silo on a random loopback port with its own SQLite file, seeded with one district and one park.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public const string District = "xiangan";
    public const string Park = "xiangan-digital";
    public const string ParkName = "翔安数字经济产业园";

    public static readonly string[] Enterprises = ["xa-0001", "xa-0002", "xa-0042"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("parkgrid-cli-").FullName;
    public ParkGrid.Silo.Silo Silo { get; private set; } = null!;
    public string Address { get; private set; } = null!;
    public ParkGridClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await SiloApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--store", Path.Combine(Directory, "silo.db")]);
        await Silo.App.StartAsync();
        Address = Silo.Urls.Single();
        Client = await ParkGridClient.ConnectAsync(new Uri(Address + "/"));
        await Client.GetGrain<IDistrictGrain>(District).Configure(new DistrictSetup("翔安区", ["supervisor-1"]));
        await Client.GetGrain<IDistrictGrain>(District).AddPark(Park, ParkName);
        await Client.GetGrain<IDistrictGrain>(District).AddDepartment("ecology", "生态环境局");
        foreach (var enterprise in Enterprises)
            await Client.GetGrain<IEnterpriseGrain>(enterprise).Register(new EnterpriseProfile(Park, $"企业 {enterprise}", "software"));
    }

    /// <summary>Runs <c>parkgrid</c> in-process against this silo (unless the arguments name another with --silo).</summary>
    public async Task<CliRun> RunAsync(params string[] args)
    {
        var all = args.Contains("--silo") || args.Contains("--help") ? args : [.. args, "--silo", Address];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(all, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Silo.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>What one run of the command printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
