using NodaTime;
using ParkGrid.Domain.Cases;

namespace ParkGrid.Grains;

/// <summary>
/// Where grains announce what changed: the silo's live event stream and dashboard feed, and a simulation's
/// behaviour (a department's handlers start work when a case is assigned to it). Called inside the grain's
/// turn after the change is durable: implementations must not block and must not call back into the grain
/// that published (schedule the work instead).
/// </summary>
public interface IDomainEventSink
{
    void Publish(DomainEvent domainEvent);
}

/// <summary>One change to a case: a history entry just appended (each is published once, in order) and the case as it
/// stands after the commit that appended it.</summary>
public sealed record DomainEvent(Instant At, CaseAction Action, string Actor, CaseStatus? From, CaseStatus To, string? Detail, CaseSummary Case)
{
    public string CaseId => Case.CaseId;
}

/// <summary>Discards events (the default when nobody listens).</summary>
public sealed class NoDomainEvents : IDomainEventSink
{
    public static readonly NoDomainEvents Instance = new();
    public void Publish(DomainEvent domainEvent) { }
}
