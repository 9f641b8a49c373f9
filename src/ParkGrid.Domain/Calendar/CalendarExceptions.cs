using NodaTime;

namespace ParkGrid.Domain.Calendar;

/// <summary>A calendar data file (holiday-cn JSON or ParkGrid's own format) is malformed.
/// The message names the file and the field (a JSON path such as <c>days[3].date</c>, or a line number).</summary>
public sealed class CalendarDataException : Exception
{
    public CalendarDataException(string source, string field, string problem, Exception? inner = null)
        : base($"{source}: {field}: {problem}", inner)
    {
        Source = source;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file or resource name.</summary>
    public new string Source { get; }

    /// <summary>The offending field (JSON path) or line ("line 12").</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

/// <summary>A date was asked about whose year has no published holiday schedule in the calendar.
/// Thrown instead of silently treating that year as plain weekends (see <see cref="OutOfRangeBehavior"/>).</summary>
public sealed class CalendarCoverageException(LocalDate date, string message) : Exception(message)
{
    public LocalDate Date { get; } = date;
}
