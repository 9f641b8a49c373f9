using NodaTime;

namespace ParkGrid.Persistence.AdoNet.Tests;

public enum CaseStatus { Received, Verifying, Substantiated, Assigned, Resolved }

public enum Channel { Visit, Hotline12345, QrCode }

public sealed record Liaison(string Name, string? Phone, Channel PreferredChannel);

public sealed record StatusChange(CaseStatus Status, Instant At, string? Note);

/// <summary>A state exercising what grain state holds: NodaTime values, nested records, lists, dictionaries, enums.</summary>
public sealed record ParkState
{
    public required string Name { get; init; }
    public CaseStatus Status { get; init; }
    public Instant ReceivedAt { get; init; }
    public LocalDate OpenedOn { get; init; }
    public Duration Sla { get; init; }
    public ZonedDateTime Deadline { get; init; }
    public LocalDateTime? LookBackAt { get; init; }
    public required Liaison Liaison { get; init; }
    public List<StatusChange> History { get; init; } = [];
    public Dictionary<string, int> CasesByCategory { get; init; } = [];
    public Dictionary<CaseStatus, List<LocalDate>> DatesByStatus { get; init; } = [];
    public decimal SatisfactionScore { get; init; }
    public int? Optional { get; init; }
    public string[] Tags { get; init; } = [];
}

public sealed record Counter(int Value, string Writer);
