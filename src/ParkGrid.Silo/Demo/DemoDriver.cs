using ParkGrid.Domain.Cases;
using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Silo.Demo;

/// <summary>
/// Keeps the demo alive: problems arise at enterprises (some filed at once through a channel, some latent
/// until a contact point's visit), and officials move cases along, each department at its own pace, so
/// some cases fall overdue and climb the escalation ladder. Runs outside the grains, on the scaled clock.
/// </summary>
public sealed class DemoDriver(IGrainFactory grains, NodaTime.IClock clock, ILogger<DemoDriver> logger) : BackgroundService
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private const double CluesPerVirtualDay = 6;

    // Probability per step that an official acts on a case in that state; finance is slow on purpose.
    private static readonly Dictionary<string, double> DepartmentPace = new() { ["industry"] = 0.25, ["finance"] = 0.03, ["ecology"] = 0.15, ["approval"] = 0.2, ["market"] = 0.2 };
    private static readonly Dictionary<CaseCategory, string> Owner = new()
    {
        [CaseCategory.SubsidyNotPaidOnTime] = "finance", [CaseCategory.PolicyNotImplemented] = "industry", [CaseCategory.TooManyInspections] = "market",
        [CaseCategory.SlowApproval] = "approval", [CaseCategory.DemandingFavours] = "market", [CaseCategory.NewOfficialsIgnoreOldCommitments] = "industry",
        [CaseCategory.ImproperBanquetsOrGifts] = "market", [CaseCategory.UtilitiesAndLand] = "ecology", [CaseCategory.Financing] = "finance", [CaseCategory.Other] = "approval",
    };

    private readonly Random _random = new(2026);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await DemoNetwork.EnsureAsync(grains, m => logger.LogInformation("{Message}", m));
        }
        catch (Exception e)
        {
            logger.LogError(e, "The demo network could not be created");
            return;
        }
        var last = clock.GetCurrentInstant();
        using var timer = new PeriodicTimer(Step);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetCurrentInstant();
            var virtualDays = (now - last).TotalDays;
            last = now;
            try
            {
                for (var i = Poisson(CluesPerVirtualDay * virtualDays); i > 0; i--) await RaiseProblem();
                await MoveCases();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Demo step failed");
            }
        }
    }

    private async Task RaiseProblem()
    {
        var park = _random.Next(DemoNetwork.Parks.Length);
        var enterprise = DemoNetwork.EnterpriseId(park, 1 + _random.Next(DemoNetwork.EnterprisesPerPark));
        var categories = Enum.GetValues<CaseCategory>();
        var category = categories[_random.Next(categories.Length)];
        CaseChannel? channel = _random.NextDouble() switch
        {
            < 0.3 => null, // latent: a contact point's visit will surface it
            < 0.65 => CaseChannel.Hotline12345,
            < 0.8 => CaseChannel.QrCode,
            < 0.9 => CaseChannel.Report12388,
            _ => CaseChannel.HarassmentDirectReport,
        };
        await grains.GetGrain<IEnterpriseGrain>(enterprise).ReportProblem(new ProblemReport(category, $"demo problem: {category}", channel));
    }

    private async Task MoveCases()
    {
        foreach (var (parkId, _) in DemoNetwork.Parks)
        foreach (var c in await grains.GetGrain<IParkGrain>(parkId).ListOpenCases(new CaseFilter(Limit: 1000)))
        {
            var pace = c.DepartmentId is { } d && DepartmentPace.TryGetValue(d, out var p) ? p : 0.3;
            var grain = grains.GetGrain<ICaseGrain>(c.CaseId);
            Func<Task>? act = c.Status switch
            {
                CaseStatus.Received when Chance(0.5) => () => grain.StartVerification("sup-chen"),
                CaseStatus.Verifying when Chance(0.3) => Chance(0.85) ? () => grain.Substantiate("sup-lin", "basically true") : () => grain.MarkUnfounded("sup-lin", "not supported by the facts", null),
                CaseStatus.Substantiated when Chance(0.5) => () => grain.Assign("sup-chen", Owner[c.Category]),
                CaseStatus.Assigned or CaseStatus.Reopened when Chance(pace) => () => grain.StartRectification(c.DepartmentId ?? "department"),
                CaseStatus.Rectifying when Chance(pace * 0.5) => () => grain.ReportRectification(c.DepartmentId ?? "department", "rectified"),
                CaseStatus.FollowUpDue when Chance(0.2) => Chance(0.9) ? () => grain.Resolve("demo-follow-up", 60 + _random.Next(41), null) : () => grain.Reopen("demo-follow-up", "problem came back", 30),
                _ => null,
            };
            if (act is null) continue;
            try
            {
                await act();
            }
            catch (Exception e) when (e is InvalidOperationException or Domain.DomainRuleException)
            {
                // The case moved meanwhile (a reminder, a visit): fine, it is picked up next step.
            }
        }
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    private int Poisson(double mean)
    {
        // Knuth's method: fine for the small means of one step.
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var product = _random.NextDouble(); product > limit; product *= _random.NextDouble()) k++;
        return k;
    }
}
