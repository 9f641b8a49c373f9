namespace ParkGrid.Domain;

/// <summary>A domain rule was violated (an illegal case transition, pausing a stopped clock, …).
/// Grains let it reach the caller: the message says what state the object is in and what was attempted.</summary>
public class DomainRuleException(string message) : Exception(message);
