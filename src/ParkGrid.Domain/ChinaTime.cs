using NodaTime;

namespace ParkGrid.Domain;

/// <summary>
/// The time zone every SLA rule is judged in: Asia/Shanghai (China Standard Time, UTC+8, no daylight
/// saving since 1991). A clock started at an <see cref="Instant"/> counts from the Shanghai date of that
/// instant, and a deadline ends at 24:00 Shanghai time of its last day.
/// </summary>
public static class ChinaTime
{
    public const string ZoneId = "Asia/Shanghai";

    public static DateTimeZone Zone { get; } = DateTimeZoneProviders.Tzdb[ZoneId];

    /// <summary>The Shanghai calendar date on which <paramref name="instant"/> falls.</summary>
    public static LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;

    /// <summary>00:00 Shanghai time of <paramref name="date"/>.</summary>
    public static Instant StartOf(LocalDate date)
    {
        // Asked for the same few hundred days over and over (deadlines, visits, follow-ups), and mapping a local time in a
        // tz zone allocates: remember the answers. Days span a few years, so the memo stays small; it stops growing at its cap.
        if (s_startOfDay.TryGetValue(date, out var start)) return start;
        start = Zone.AtStartOfDay(date).ToInstant();
        if (s_startOfDay.Count < StartOfDayMemoCapacity) s_startOfDay.TryAdd(date, start);
        return start;
    }

    private const int StartOfDayMemoCapacity = 100_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<LocalDate, Instant> s_startOfDay = new();

    /// <summary>24:00 Shanghai time of <paramref name="date"/>, i.e. 00:00 of the next day (Civil Code art. 203).</summary>
    public static Instant EndOf(LocalDate date) => StartOf(date.PlusDays(1));

    /// <summary>A Shanghai wall-clock time as an instant (convenience for tests, scenarios and the CLI).</summary>
    public static Instant At(int year, int month, int day, int hour = 0, int minute = 0) =>
        Zone.AtStrictly(new LocalDateTime(year, month, day, hour, minute)).ToInstant();
}
