using NodaTime;

namespace ParkGrid.Persistence.AdoNet;

/// <summary>
/// NodaTime values as exact 64-bit integers: instants as nanoseconds since the Unix epoch, durations as
/// nanoseconds. That covers 1677-09-21 … 2262-04-11 and durations of ±292 years without losing a nanosecond;
/// <see cref="Duration.MaxValue"/> (the "never again" period) is stored as <see cref="long.MaxValue"/>.
/// Anything else outside that range is refused rather than silently rounded.
/// </summary>
public static class TimeEncoding
{
    public static long ToNanoseconds(Instant instant, string what = "instant")
    {
        try
        {
            return (instant - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(what, instant,
                $"The {what} {instant} cannot be stored: reminder times must lie between 1677-09-21 and 2262-04-11 (UTC).");
        }
    }

    public static Instant ToInstant(long nanoseconds) => NodaConstants.UnixEpoch + Duration.FromNanoseconds(nanoseconds);

    public static long ToNanoseconds(Duration duration, string what = "duration")
    {
        if (duration == Duration.MaxValue) return long.MaxValue;
        try
        {
            var nanoseconds = duration.ToInt64Nanoseconds();
            if (nanoseconds == long.MaxValue) throw new OverflowException();
            return nanoseconds;
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(what, duration,
                $"The {what} {duration} cannot be stored: it must be shorter than 292 years (or Duration.MaxValue).");
        }
    }

    public static Duration ToDuration(long nanoseconds) =>
        nanoseconds == long.MaxValue ? Duration.MaxValue : Duration.FromNanoseconds(nanoseconds);
}
