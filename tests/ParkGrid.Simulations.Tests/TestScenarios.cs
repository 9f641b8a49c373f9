namespace ParkGrid.Simulations.Tests;

internal static class TestScenarios
{
    /// <summary>A small district: two parks, contact points, inspections, three policies; 120 days.</summary>
    public const string Small = """
        name: small
        period: {start: 2025-03-01, horizonDays: 120, warmupDays: 20}
        replications: 3
        seed: 42
        district: {id: d1, name: District, supervisors: 3, visitCapacityPerWeek: 15}
        parks:
          - {id: p1, name: Park one, prefix: pa, enterprises: 60, contactPoints: 2}
          - id: p2
            name: Park two
            prefix: pb
            enterprises: 40
            contactPoints: 1
            enterpriseList:
              - {id: host-1, name: Host enterprise, industry: software}
        departments:
          - {id: industry, handlers: 2, handlingDays: {median: 4, p90: 12}, inspectionsPerEnterprisePerYear: 3, categories: [SubsidyNotPaidOnTime, PolicyNotImplemented]}
          - {id: market, handlers: 1, handlingDays: {distribution: exponential, mean: 3}, inspectionsPerEnterprisePerYear: 4, categories: [TooManyInspections]}
        problems:
          perEnterprisePerYear: {SubsidyNotPaidOnTime: 0.8, PolicyNotImplemented: 0.8, SlowApproval: 0.5}
        channels:
          perDay: {Hotline12345: 0.02, QrCode: 0.01}
          foundAtVisit: 0.8
        behaviour:
          verifyDays: {median: 2, p90: 5}
          substantiatedShare: 0.7
        policies:
          - name: baseline
          - name: joint
            overrides: {jointInspection: true, visitCadence: P14D}
          - name: fast
            overrides: {rectifyWithinDefault: 5}
            behaviour: {queue: escalated-first, handlers.market: 2}
        """;

    public static Scenario Parse(string yaml = Small, string file = "small.yaml") => ScenarioLoader.Parse(yaml, file);

    /// <summary>One department with c handlers, Poisson arrivals reported at once, exponential handling, nothing else.</summary>
    public static string Queue(int handlers, double arrivalsPerDay, double meanHandlingDays, int days, int warmup, int enterprises = 100) => $"""
        name: mmc
        period: {"{"}start: 2025-01-01, horizonDays: {days}, warmupDays: {warmup}{"}"}
        replications: 4
        seed: 7
        collectionAgeDays: 3650
        district: {"{"}id: d, supervisors: 1{"}"}
        parks:
          - {"{"}id: p, enterprises: {enterprises}, contactPoints: 0{"}"}
        departments:
          - id: desk
            handlers: {handlers}
            handlingDays: {"{"}distribution: exponential, mean: {meanHandlingDays.ToString(System.Globalization.CultureInfo.InvariantCulture)}{"}"}
            categories: [SlowApproval]
        problems:
          perEnterprisePerYear: {"{"}SlowApproval: {(arrivalsPerDay * 365 / enterprises).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}{"}"}
        channels:
          perDay: {"{"}Hotline12345: 1{"}"}
          foundAtVisit: 0
        behaviour:
          ackDays: 0
          verifyDays: 0
          substantiatedShare: 1
          escalationSpeedup: 0
          goodFaithShare: 0
        policies:
          - name: baseline
            overrides: {"{"}faultTolerance: false{"}"}
        """;
}
