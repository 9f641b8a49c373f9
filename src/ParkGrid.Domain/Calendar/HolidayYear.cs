using NodaTime;

namespace ParkGrid.Domain.Calendar;

/// <summary>One day that departs from the plain Monday–Friday rule: a statutory holiday (off) or a
/// make-up working day (调休上班, usually a Saturday or Sunday).</summary>
/// <param name="Date">The date.</param>
/// <param name="IsOffDay">True for a day off (holiday), false for a working day.</param>
/// <param name="Name">The holiday it belongs to, e.g. 国庆节、中秋节.</param>
public sealed record SpecialDay(LocalDate Date, bool IsOffDay, string Name);

/// <summary>
/// The holiday schedule of one year as published by the State Council. <see cref="Published"/> is false
/// for a year that is known but whose notice is not out yet (holiday-cn marks that with empty "papers"
/// and "days"): its dates are treated as outside the calendar, never as plain weekends.
/// </summary>
/// <param name="Year">The year the notice is for. Its days may spill into a neighbouring year (2023's notice has 2022-12-31).</param>
/// <param name="Published">Whether a schedule is published.</param>
/// <param name="Papers">The notices (URLs) the schedule comes from.</param>
/// <param name="Days">The special days, in date order.</param>
/// <param name="Source">Where it was loaded from (a file or resource name), for error messages.</param>
public sealed record HolidayYear(int Year, bool Published, IReadOnlyList<string> Papers, IReadOnlyList<SpecialDay> Days, string Source)
{
    public static HolidayYear Unpublished(int year, string source) => new(year, false, [], [], source);
}
