using NodaTime;
using ParkGrid.Domain.Calendar;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Policies;

namespace ParkGrid.Grains.Internal;

internal static class CaseSummaries
{
    public static CaseSummary Of(CaseRecord r, string? tourId, Instant now)
    {
        var active = r.ActiveClock;
        return new CaseSummary(
            r.Id, r.Channel, r.Category, r.Status, r.EnterpriseId, r.ParkId, r.DepartmentId, tourId, r.ReceivedAt,
            active?.Kind, active?.Clock.DeadlineDate, active is not null && active.Clock.IsBreachedAt(now),
            r.EscalationLevel, r.FollowUpDueOn, r.LookBackDueOn, r.Satisfaction, r.ReopenCount, r.IsClosed);
    }

    public static bool Matches(this CaseSummary c, CaseFilter filter) =>
        (filter.Status is not { } s || c.Status == s) &&
        (filter.Category is not { } k || c.Category == k) &&
        (filter.EnterpriseId is not { } e || c.EnterpriseId == e) &&
        (filter.DepartmentId is not { } d || c.DepartmentId == d) &&
        (!filter.OverdueOnly || c.Overdue);

    public static IReadOnlyList<CaseSummary> Ordered(IEnumerable<CaseSummary> cases, int limit = int.MaxValue) =>
        cases.OrderBy(c => c.ReceivedAt).ThenBy(c => c.CaseId, StringComparer.Ordinal).Take(Math.Max(0, limit)).ToArray();
}
