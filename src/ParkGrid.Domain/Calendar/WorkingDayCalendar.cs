using System.Collections.Frozen;
using NodaTime;

namespace ParkGrid.Domain.Calendar;

/// <summary>What the calendar does with a date whose year has no published schedule.</summary>
public enum OutOfRangeBehavior
{
    /// <summary>Throw <see cref="CalendarCoverageException"/> (the default): an unknown year is never silently
    /// treated as plain weekends, because a deadline computed that way would be wrong around its holidays.</summary>
    Throw,

    /// <summary>Explicit opt-in: treat such dates by the plain rule (Monday–Friday work, weekends off),
    /// e.g. for long simulations that run past the last published year.</summary>
    AssumeWeekendsOnly,
}

/// <summary>How a date is classified.</summary>
public enum DayKind
{
    /// <summary>Monday–Friday, no holiday.</summary>
    Workday,
    /// <summary>A Saturday or Sunday made a working day (调休上班).</summary>
    MakeUpWorkday,
    /// <summary>Saturday or Sunday, no special arrangement.</summary>
    Weekend,
    /// <summary>A statutory holiday day off (including weekend days inside a holiday span).</summary>
    Holiday,
}

/// <summary>A classified date.</summary>
public readonly record struct DayInfo(LocalDate Date, DayKind Kind, string? HolidayName)
{
    public bool IsWorkingDay => Kind is DayKind.Workday or DayKind.MakeUpWorkday;
}

/// <summary>
/// The Chinese working-day calendar: statutory holidays and make-up working days (调休) on top of the plain
/// Monday–Friday week. Immutable and thread-safe; share one instance.
/// <para>
/// Counting rules (Civil Code arts. 201–203, applied to working days): the start day is not counted;
/// <see cref="AddWorkingDays"/>(start, n) is the n-th working day after start; a deadline ends at 24:00 of
/// that day (see <see cref="Sla.SlaClock"/>).
/// </para>
/// <para>
/// Data: <see cref="China"/> is the project's own data file (Calendar/cn-holidays.txt, converted from the
/// public holiday-cn data set, MIT, © 2019 NateScarlet, which compiles the State Council notices) covering
/// 2020–2026; 2027 is known but its notice was not published in the source, so its dates are out of range.
/// Further years load from holiday-cn JSON files with <see cref="WithHolidayCnJson"/>.
/// </para>
/// <para>
/// Out-of-range choice: by default a date whose year is not loaded throws <see cref="CalendarCoverageException"/>;
/// <see cref="OutOfRangeBehavior.AssumeWeekendsOnly"/> makes the plain-week fallback an explicit opt-in.
/// </para>
/// </summary>
public sealed class WorkingDayCalendar
{
    private static readonly Lazy<WorkingDayCalendar> ChinaCalendar = new(() => Create(HolidayDataFile.LoadEmbedded()));

    private readonly SortedDictionary<int, HolidayYear> _years;
    private readonly FrozenDictionary<LocalDate, SpecialDay> _days;
    private readonly FrozenSet<int> _published;

    private WorkingDayCalendar(SortedDictionary<int, HolidayYear> years, OutOfRangeBehavior outOfRange)
    {
        _years = years;
        OutOfRange = outOfRange;
        _published = years.Values.Where(y => y.Published).Select(y => y.Year).ToFrozenSet();
        var days = new Dictionary<LocalDate, (SpecialDay Day, HolidayYear From)>();
        foreach (var year in years.Values)
        {
            foreach (var day in year.Days)
            {
                if (days.TryGetValue(day.Date, out var other))
                {
                    if (other.Day.IsOffDay != day.IsOffDay)
                        throw new CalendarDataException(year.Source, $"{day.Date:uuuu-MM-dd}",
                            $"the {year.Year} schedule says {(day.IsOffDay ? "off" : "work")} but the {other.From.Year} schedule ({other.From.Source}) says {(other.Day.IsOffDay ? "off" : "work")}");
                    continue;
                }

                days.Add(day.Date, (day, year));
            }
        }

        _days = days.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Day);
    }

    /// <summary>The embedded Chinese calendar (2020–2026 published; 2027 unpublished), throwing outside it.</summary>
    public static WorkingDayCalendar China => ChinaCalendar.Value;

    /// <summary>A calendar from the given years. A later entry for the same year replaces an earlier one,
    /// except that an unpublished (empty) year never replaces a published one.</summary>
    public static WorkingDayCalendar Create(IEnumerable<HolidayYear> years, OutOfRangeBehavior outOfRange = OutOfRangeBehavior.Throw)
    {
        var map = new SortedDictionary<int, HolidayYear>();
        foreach (var year in years)
            Merge(map, year);
        return new WorkingDayCalendar(map, outOfRange);
    }

    /// <summary>A calendar holding just the year in one holiday-cn JSON file.</summary>
    /// <exception cref="CalendarDataException">The file is malformed; the message names file and field.</exception>
    public static WorkingDayCalendar LoadHolidayCnJson(Stream json, string sourceName = "holiday-cn JSON", OutOfRangeBehavior outOfRange = OutOfRangeBehavior.Throw) =>
        Create([HolidayCnJson.Parse(json, sourceName)], outOfRange);

    /// <summary>Returns a new calendar with the year in a holiday-cn JSON file added (or replacing the same year).
    /// This calendar is unchanged.</summary>
    /// <exception cref="CalendarDataException">The file is malformed, or contradicts a neighbouring year.</exception>
    public WorkingDayCalendar WithHolidayCnJson(Stream json, string sourceName = "holiday-cn JSON") =>
        WithYear(HolidayCnJson.Parse(json, sourceName));

    /// <summary>Returns a new calendar with <paramref name="year"/> added (or replacing the same year).</summary>
    public WorkingDayCalendar WithYear(HolidayYear year)
    {
        var map = new SortedDictionary<int, HolidayYear>(_years);
        Merge(map, year);
        return new WorkingDayCalendar(map, OutOfRange);
    }

    /// <summary>Returns the same data with another out-of-range behaviour.</summary>
    public WorkingDayCalendar WithOutOfRange(OutOfRangeBehavior outOfRange) => new(new SortedDictionary<int, HolidayYear>(_years), outOfRange);

    private static void Merge(SortedDictionary<int, HolidayYear> map, HolidayYear year)
    {
        if (!year.Published && map.TryGetValue(year.Year, out var existing) && existing.Published)
            return;
        map[year.Year] = year;
    }

    public OutOfRangeBehavior OutOfRange { get; }

    /// <summary>Every year the calendar knows of, published or not, in order.</summary>
    public IReadOnlyList<HolidayYear> Years => _years.Values.ToArray();

    /// <summary>The years with a published schedule, in order.</summary>
    public IReadOnlyList<int> PublishedYears => _published.Order().ToArray();

    /// <summary>Whether the year of <paramref name="date"/> has a published schedule.</summary>
    public bool Covers(LocalDate date) => _published.Contains(date.Year);

    /// <summary>Classifies a date.</summary>
    /// <exception cref="CalendarCoverageException">The date's year is not loaded and <see cref="OutOfRange"/> is Throw.</exception>
    public DayInfo Describe(LocalDate date)
    {
        if (!Covers(date) && OutOfRange == OutOfRangeBehavior.Throw)
            throw new CalendarCoverageException(date, CoverageMessage(date));
        var weekend = date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;
        if (_days.TryGetValue(date, out var special))
        {
            if (special.IsOffDay) return new DayInfo(date, DayKind.Holiday, special.Name);
            return new DayInfo(date, weekend ? DayKind.MakeUpWorkday : DayKind.Workday, special.Name);
        }

        return new DayInfo(date, weekend ? DayKind.Weekend : DayKind.Workday, null);
    }

    /// <summary>Whether <paramref name="date"/> is a working day: Monday–Friday unless a holiday, or a make-up working day.</summary>
    /// <exception cref="CalendarCoverageException">The date's year is not loaded and <see cref="OutOfRange"/> is Throw.</exception>
    public bool IsWorkingDay(LocalDate date) => Describe(date).IsWorkingDay;

    /// <summary>
    /// The <paramref name="n"/>-th working day after <paramref name="start"/>; the start day itself is never counted
    /// (Civil Code art. 201), whether or not it is a working day. n = 0 returns start; a negative n counts backwards
    /// (the |n|-th working day before start).
    /// </summary>
    public LocalDate AddWorkingDays(LocalDate start, int n)
    {
        var step = n >= 0 ? 1 : -1;
        var remaining = Math.Abs((long)n);
        var date = start;
        while (remaining > 0)
        {
            date = date.PlusDays(step);
            if (IsWorkingDay(date)) remaining--;
        }

        return date;
    }

    /// <summary>
    /// The number of working days d with <paramref name="from"/> &lt; d ≤ <paramref name="to"/> (the start day not
    /// counted, the end day counted); negative when <paramref name="to"/> is before <paramref name="from"/>.
    /// For n ≥ 0: WorkingDaysBetween(a, AddWorkingDays(a, n)) == n.
    /// </summary>
    public int WorkingDaysBetween(LocalDate from, LocalDate to)
    {
        if (to < from) return -WorkingDaysBetween(to, from);
        var count = 0;
        for (var d = from.PlusDays(1); d <= to; d = d.PlusDays(1))
            if (IsWorkingDay(d)) count++;
        return count;
    }

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public LocalDate NextWorkingDay(LocalDate date) => AddWorkingDays(date, 1);

    private string CoverageMessage(LocalDate date)
    {
        var loaded = _published.Count == 0 ? "none" : string.Join(", ", _published.Order());
        var why = _years.TryGetValue(date.Year, out var y) && !y.Published
            ? $"the {date.Year} holiday schedule is not published yet (source {y.Source} lists no days)"
            : $"no holiday schedule for {date.Year} is loaded";
        return $"{date:uuuu-MM-dd} is outside the working-day calendar: {why}; published years: {loaded}. " +
               $"Load the year with WithHolidayCnJson(...) or opt in to plain weekends with OutOfRangeBehavior.AssumeWeekendsOnly.";
    }
}
