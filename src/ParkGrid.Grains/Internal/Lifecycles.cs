using System.Runtime.CompilerServices;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;

namespace ParkGrid.Grains.Internal;

/// <summary>One <see cref="CaseLifecycle"/> per policy object (a district hands out the same policy object until it
/// changes), so a case command does not validate the policy again every time.</summary>
internal static class Lifecycles
{
    private static readonly ConditionalWeakTable<Policy, CaseLifecycle> Cache = new();

    public static CaseLifecycle For(Policy policy, WorkingDayCalendar calendar)
    {
        if (Cache.TryGetValue(policy, out var cached) && ReferenceEquals(cached.Calendar, calendar)) return cached;
        var lifecycle = new CaseLifecycle(policy, calendar);
        Cache.AddOrUpdate(policy, lifecycle);
        return lifecycle;
    }
}
