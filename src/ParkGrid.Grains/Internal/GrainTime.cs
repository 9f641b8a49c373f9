using NodaTime;
using ParkGrid.Domain;
using ParkGrid.Domain.Calendar;

namespace ParkGrid.Grains.Internal;

/// <summary>Small time helpers shared by the grains (all in Asia/Shanghai, see <see cref="ChinaTime"/>).</summary>
internal static class GrainTime
{
    /// <summary>Office hours begin: visits and planned inspections happen at 09:00 Shanghai time of their day.</summary>
    public static readonly Duration OfficeHours = Duration.FromHours(9);

    public static Instant NineOClock(LocalDate day) => ChinaTime.StartOf(day) + OfficeHours;

    /// <summary><paramref name="day"/> if it is a working day, otherwise the next working day.</summary>
    public static LocalDate OnOrAfterWorkingDay(LocalDate day, WorkingDayCalendar calendar) =>
        calendar.IsWorkingDay(day) ? day : calendar.NextWorkingDay(day);

    /// <summary><paramref name="period"/> taken <paramref name="times"/> times (P1M × 3 = P3M), so that a schedule anchored
    /// on one day does not drift (Jan 31 + P1M × 2 is Mar 31, not Mar 28).</summary>
    public static Period Times(Period period, int times)
    {
        var builder = new PeriodBuilder
        {
            Years = period.Years * times,
            Months = period.Months * times,
            Weeks = period.Weeks * times,
            Days = period.Days * times,
        };
        return builder.Build();
    }

    public static Instant Max(Instant a, Instant b) => a > b ? a : b;

    /// <summary>Delay before the next delivery attempt after <paramref name="failures"/> failed ones: 1 min, doubling, at most 1 h.</summary>
    public static Duration Backoff(int failures) =>
        Duration.FromMinutes(Math.Min(60, 1 << Math.Clamp(failures - 1, 0, 6)));
}
