using System.Globalization;
using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Simulations;

/// <summary>
/// One replication under one policy: the scenario, the effective policy and behaviour, the plan of each park, and the
/// metrics. It is the host's <see cref="IDomainEventSink"/>: it records every case change and hands the ones behaviour
/// reacts to to the behaviour grains (calls that the publishing case never awaits).
/// </summary>
public sealed class SimulationRun : IDomainEventSink, IServiceProvider
{
    private readonly Dictionary<string, int> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DistributionSpec> _handling = new(StringComparer.Ordinal);

    public SimulationRun(Scenario scenario, int policyIndex, int replication, bool recordArrivals = false)
    {
        Scenario = scenario;
        PolicyIndex = policyIndex;
        Replication = replication;
        Spec = scenario.Policies[policyIndex];
        Policy = (Spec.Overrides.Count == 0 ? Policy.Default : Policy.Default.WithOverrides(Spec.Overrides)) with { Name = Spec.Name };
        var behaviour = scenario.Behaviour;
        foreach (var d in scenario.Departments)
        {
            _handlers[d.Id] = d.Handlers;
            _handling[d.Id] = d.HandlingDays;
        }

        foreach (var (key, value) in Spec.BehaviourOverrides)
        {
            behaviour = key switch
            {
                "queue" => behaviour with { Queue = value },
                "escalationSpeedup" => behaviour with { EscalationSpeedup = double.Parse(value, CultureInfo.InvariantCulture) },
                "goodFaithShare" => behaviour with { GoodFaithShare = double.Parse(value, CultureInfo.InvariantCulture) },
                _ => behaviour,
            };
            if (key.StartsWith("handlers.", StringComparison.Ordinal)) _handlers[key["handlers.".Length..]] = int.Parse(value, CultureInfo.InvariantCulture);
        }

        Behaviour = behaviour;
        RunSeed = SeedFor(scenario.Seed, replication);
        VisitCadence = Policy.VisitCadence;
        Metrics = new RunMetrics(scenario.WarmupEnd, recordArrivals);
        foreach (var p in scenario.Parks) Parks[p.Id] = new ParkPlan(scenario, p, VisitCadence);
    }

    /// <summary>The runtime seed of a replication: from the scenario seed and the replication only, never the policy.</summary>
    public static ulong SeedFor(ulong scenarioSeed, int replication) =>
        ParkGrid.Runtime.Scheduling.StableHash.Combine(scenarioSeed, (ulong)replication, 0x5EED);

    public Scenario Scenario { get; }
    public int PolicyIndex { get; }
    public int Replication { get; }
    public PolicySpec Spec { get; }
    public Policy Policy { get; }
    public BehaviourSpec Behaviour { get; }
    public ulong RunSeed { get; }
    public Period VisitCadence { get; }
    public RunMetrics Metrics { get; }
    public Dictionary<string, ParkPlan> Parks { get; } = new(StringComparer.Ordinal);
    public IGrainFactory? Factory { get; set; }

    public int HandlersOf(string department) => _handlers.GetValueOrDefault(department, 1);
    public DistributionSpec HandlingOf(string department) => _handling[department];

    public object? GetService(Type serviceType) => serviceType == typeof(SimulationRun) ? this : null;

    public void Publish(DomainEvent e)
    {
        Metrics.OnCaseEvent(e);
        var f = Factory;
        if (f is null) return;
        switch (e.Action)
        {
            case CaseAction.Receive:
            case CaseAction.Reopen:
                Observe(f.GetGrain<ISimOfficeGrain>("office").OnCaseEvent(e));
                break;
            case CaseAction.MarkFollowUpDue when Behaviour.SatisfactionDynamics:
                Observe(f.GetGrain<ISimOfficeGrain>("office").OnCaseEvent(e));
                break;
            case CaseAction.Assign:
                Observe(f.GetGrain<ISimDeskGrain>(e.Case.DepartmentId!).OnCaseEvent(e));
                break;
            case CaseAction.Escalate:
                if (Policy.FaultTolerance) Observe(f.GetGrain<ISimOfficeGrain>("office").OnCaseEvent(e));
                if (e.Case.DepartmentId is { } d) Observe(f.GetGrain<ISimDeskGrain>(d).OnCaseEvent(e));
                break;
        }
    }

    private void Observe(Task task)
    {
        if (task.IsCompleted)
        {
            if (task.IsFaulted) Metrics.Errors.Add(task.Exception!.GetBaseException().Message);
            return;
        }

        task.ContinueWith(t => { if (t.IsFaulted) Metrics.Errors.Add(t.Exception!.GetBaseException().Message); }, TaskContinuationOptions.ExecuteSynchronously);
    }
}

/// <summary>A park's enterprises and which contact point visits each, with the visit calendar (to know the next visit).</summary>
public sealed class ParkPlan
{
    private readonly LocalDate[] _nextVisit;
    private readonly DateTimeZone _zone;

    public ParkPlan(Scenario scenario, ParkSpec park, Period cadence)
    {
        Spec = park;
        _zone = scenario.Zone;
        Enterprises = park.EnterpriseIds().ToArray();
        var cps = Math.Min(park.ContactPoints, Enterprises.Length);
        ContactPointOf = new int[Enterprises.Length];
        for (var i = 0; i < Enterprises.Length; i++) ContactPointOf[i] = cps == 0 ? -1 : (int)((long)i * cps / Enterprises.Length);
        var cadenceDays = Math.Max(1, Period.Between(scenario.Start, scenario.Start.Plus(cadence), PeriodUnits.Days).Days);
        FirstVisit = new LocalDate[cps];
        for (var j = 0; j < cps; j++) FirstVisit[j] = scenario.Start.PlusDays(j % cadenceDays);
        _nextVisit = (LocalDate[])FirstVisit.Clone();
        CadenceDays = cadenceDays;
    }

    public ParkSpec Spec { get; }
    public string[] Enterprises { get; }
    public int[] ContactPointOf { get; }
    public LocalDate[] FirstVisit { get; }
    public int CadenceDays { get; }

    /// <summary>The next visit round (09:00) of the enterprise's contact point at or after <paramref name="now"/>; null without one.</summary>
    public Instant? NextVisit(int enterpriseIndex, Instant now, Period cadence)
    {
        var cp = ContactPointOf[enterpriseIndex];
        if (cp < 0) return null;
        while (At(_nextVisit[cp]) < now) _nextVisit[cp] = _nextVisit[cp].Plus(cadence);
        return At(_nextVisit[cp]);
    }

    private Instant At(LocalDate d) => _zone.AtStrictly(d.At(new LocalTime(9, 0))).ToInstant();
}
