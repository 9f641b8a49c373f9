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
    public static IReadOnlyList<InspectionBurden> Burden(IEnumerable<Inspection> inspections, Policy policy) =>
        Visits(inspections, policy)
            .GroupBy(v => (v.EnterpriseId, Quarter: Quarter.Of(v.Date)))
            .OrderBy(g => g.Key.EnterpriseId, StringComparer.Ordinal).ThenBy(g => g.Key.Quarter)
            .Select(g => new InspectionBurden(g.Key.EnterpriseId, g.Key.Quarter, g.Sum(v => v.Inspections.Count), g.Count(), policy.InspectionBurdenThreshold))
            .ToArray();

    /// <summary>The enterprise-quarters over the threshold: each should raise a "too many inspections" case.</summary>
    public static IReadOnlyList<InspectionBurden> OverThreshold(IEnumerable<Inspection> inspections, Policy policy) =>
        Burden(inspections, policy).Where(b => b.OverThreshold).ToArray();
}
