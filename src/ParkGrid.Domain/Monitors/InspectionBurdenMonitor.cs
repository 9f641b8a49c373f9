using NodaTime;
using ParkGrid.Domain.Policies;

namespace ParkGrid.Domain.Monitors;

/// <summary>One inspection of an enterprise by a department, on the day it is due (or took place).</summary>
public sealed record Inspection(string Id, string EnterpriseId, string DepartmentId, LocalDate Date);

/// <summary>One visit to an enterprise ("one door entered"): a single inspection, or with joint inspection
/// the inspections of several departments merged. <see cref="Date"/> is the earliest inspection's date.</summary>
public sealed record InspectionVisit(string EnterpriseId, LocalDate Date, IReadOnlyList<Inspection> Inspections)
{
    public IReadOnlyList<string> Departments => Inspections.Select(i => i.DepartmentId).Distinct().ToArray();
}

/// <summary>The inspection burden of one enterprise in one quarter.</summary>
/// <param name="Inspections">Inspections whose visit falls in the quarter.</param>
/// <param name="Visits">Visits (doors entered) in the quarter; equals Inspections without joint inspection.</param>
/// <param name="Threshold">The policy's inspectionBurdenThreshold.</param>
public sealed record InspectionBurden(string EnterpriseId, Quarter Quarter, int Inspections, int Visits, int Threshold)
{
    /// <summary>More visits than the threshold: raises a "too many inspections" case.</summary>
    public bool OverThreshold => Visits > Threshold;
}

/// <summary>
/// The inspection-burden monitor (多头重复检查 / 迎检负担重), a pure function of the inspections.
/// <para><b>Joint inspection</b> ("进一次门、查多项事", seed 000): per enterprise, inspections are taken in date order
/// (then department, then id); each joins the earliest open visit that started less than the window before it
/// (visit date ≤ date &lt; visit date + window) and has no inspection of the same department yet — a department
/// inspecting twice is a repeat visit, not a merge; otherwise it opens a new visit. Without joint inspection every
/// inspection is its own visit.</para>
/// <para><b>Burden</b> counts visits per enterprise per calendar quarter of the visit's date; the threshold check is
/// "more than inspectionBurdenThreshold visits".</para>
/// </summary>
public static class InspectionBurdenMonitor
{
    /// <summary>The visits the inspections amount to under <paramref name="policy"/> (joint or not, and its window).</summary>
    public static IReadOnlyList<InspectionVisit> Visits(IEnumerable<Inspection> inspections, Policy policy) =>
        Visits(inspections, policy.JointInspection, policy.JointInspectionWindow);

    /// <summary>The visits the inspections amount to, merging within <paramref name="window"/> when <paramref name="joint"/>.</summary>
    public static IReadOnlyList<InspectionVisit> Visits(IEnumerable<Inspection> inspections, bool joint, Period window)
    {
        ArgumentNullException.ThrowIfNull(inspections);
        ArgumentNullException.ThrowIfNull(window);
        var result = new List<InspectionVisit>();
        foreach (var group in inspections.GroupBy(i => i.EnterpriseId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(i => i.Date).ThenBy(i => i.DepartmentId, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal);
            if (!joint)
            {
                result.AddRange(ordered.Select(i => new InspectionVisit(i.EnterpriseId, i.Date, [i])));
                continue;
            }

            var visits = new List<(LocalDate Start, LocalDate End, List<Inspection> Items)>();
            foreach (var inspection in ordered)
            {
                var index = visits.FindIndex(v => inspection.Date < v.End && v.Items.TrueForAll(x => x.DepartmentId != inspection.DepartmentId));
                if (index >= 0) visits[index].Items.Add(inspection);
                else visits.Add((inspection.Date, inspection.Date.Plus(window), [inspection]));
            }

            result.AddRange(visits.Select(v => new InspectionVisit(group.Key, v.Start, v.Items.ToArray())));
        }

        return result;
    }

    /// <summary>The burden of every enterprise in every quarter in which it had a visit, ordered by enterprise and quarter.</summary>
    /// <remarks>
    /// The same visits as <see cref="Visits(IEnumerable{Inspection}, Policy)"/>, counted without building them: an enterprise
    /// calls this on every inspection it records, so it sorts one array and merges in place instead of grouping with LINQ.
    /// Visits of an enterprise open in date order, so their quarters come out in order and are counted run by run.
    /// </remarks>
    public static IReadOnlyList<InspectionBurden> Burden(IEnumerable<Inspection> inspections, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(inspections);
        ArgumentNullException.ThrowIfNull(policy);
        var sorted = inspections.ToArray();
        if (sorted.Length == 0) return [];
        // The order of Visits: enterprise, date, department, id (ordinal). Inspections equal on all four count the same whatever their order.
        Array.Sort(sorted, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.EnterpriseId, b.EnterpriseId);
            if (c == 0) c = a.Date.CompareTo(b.Date);
            if (c == 0) c = string.CompareOrdinal(a.DepartmentId, b.DepartmentId);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });

        var joint = policy.JointInspection;
        var window = policy.JointInspectionWindow;
        var threshold = policy.InspectionBurdenThreshold;
        var result = new List<InspectionBurden>();
        // Per enterprise: the visits opened so far (start, end of its window, inspections) and the visit of each inspection.
        // An enterprise keeps a few quarters of inspections: the scratch space fits on the stack.
        var n = sorted.Length;
        Span<LocalDate> visitStart = n <= 64 ? stackalloc LocalDate[n] : new LocalDate[n];
        Span<LocalDate> visitEnd = n <= 64 ? stackalloc LocalDate[n] : new LocalDate[n];
        Span<int> visitSize = n <= 64 ? stackalloc int[n] : new int[n];
        Span<int> visitOf = n <= 64 ? stackalloc int[n] : new int[n];
        for (var first = 0; first < sorted.Length;)
        {
            var enterprise = sorted[first].EnterpriseId;
            var end = first;
            while (end < sorted.Length && sorted[end].EnterpriseId == enterprise) end++;

            var visits = 0;
            for (var i = first; i < end; i++)
            {
                var inspection = sorted[i];
                var joined = -1;
                if (joint)
                    for (var v = 0; v < visits && joined < 0; v++)
                        if (inspection.Date < visitEnd[v] && !HasDepartment(sorted, visitOf, first, i, v, inspection.DepartmentId))
                            joined = v;
                if (joined < 0)
                {
                    joined = visits++;
                    visitStart[joined] = inspection.Date;
                    visitEnd[joined] = joint ? inspection.Date.Plus(window) : inspection.Date;
                    visitSize[joined] = 0;
                }

                visitOf[i] = joined;
                visitSize[joined]++;
            }

            for (var v = 0; v < visits;)
            {
                var quarter = Quarter.Of(visitStart[v]);
                int count = 0, size = 0;
                for (; v < visits && Quarter.Of(visitStart[v]) == quarter; v++)
                {
                    count++;
                    size += visitSize[v];
                }

                result.Add(new InspectionBurden(enterprise, quarter, size, count, threshold));
            }

            first = end;
        }

        return result;
    }

    /// <summary>Whether visit <paramref name="visit"/> already holds an inspection by <paramref name="department"/>.</summary>
    private static bool HasDepartment(Inspection[] sorted, ReadOnlySpan<int> visitOf, int first, int before, int visit, string department)
    {
        for (var j = first; j < before; j++)
            if (visitOf[j] == visit && sorted[j].DepartmentId == department) return true;
        return false;
    }

    /// <summary>The enterprise-quarters over the threshold: each should raise a "too many inspections" case.</summary>
    public static IReadOnlyList<InspectionBurden> OverThreshold(IEnumerable<Inspection> inspections, Policy policy) =>
        Burden(inspections, policy).Where(b => b.OverThreshold).ToArray();
}
