using System.Reflection;
using NodaTime;
using NodaTime.Text;

namespace ParkGrid.Domain.Calendar;

/// <summary>
/// ParkGrid's own compact calendar format (see the header of <c>Calendar/cn-holidays.txt</c>):
/// <code>
/// year 2025 https://www.gov.cn/…
/// work 2025-09-28 国庆节、中秋节
/// off  2025-10-01..2025-10-08 国庆节、中秋节
/// year 2027 unpublished
/// </code>
/// The embedded file is converted from holiday-cn (MIT, © 2019 NateScarlet), which compiles the State
/// Council's notices; it covers 2020–2026 with 2027 known but unpublished.
/// </summary>
public static class HolidayDataFile
{
    /// <summary>The name of the embedded resource holding 2020–2027.</summary>
    public const string EmbeddedResourceName = "ParkGrid.Domain.Calendar.cn-holidays.txt";

    /// <summary>Reads the embedded data set.</summary>
    public static IReadOnlyList<HolidayYear> LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {EmbeddedResourceName} is missing from ParkGrid.Domain.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return Parse(reader.ReadToEnd(), EmbeddedResourceName);
    }

    /// <summary>Parses text in ParkGrid's calendar format.</summary>
    public static IReadOnlyList<HolidayYear> Parse(string text, string sourceName)
    {
        var years = new List<HolidayYear>();
        int? year = null;
        var published = false;
        var papers = new List<string>();
        var days = new List<SpecialDay>();
        var seen = new HashSet<LocalDate>();
        var lineNumber = 0;

        void Flush()
        {
            if (year is null) return;
            if (published && days.Count == 0)
                throw new CalendarDataException(sourceName, $"year {year}", "a published year lists no days");
            years.Add(new HolidayYear(year.Value, published, papers.ToArray(), days.OrderBy(d => d.Date).ToArray(), sourceName));
        }

        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var hash = rawLine.IndexOf('#');
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            if (line.Length == 0) continue;
            var field = $"line {lineNumber}";
            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);

            switch (parts[0])
            {
                case "year":
                {
                    Flush();
                    if (parts.Length < 3 || !int.TryParse(parts[1], out var y) || y is < 1950 or > 9998)
                        throw new CalendarDataException(sourceName, field, "expected 'year YYYY <url> …' or 'year YYYY unpublished'");
                    if (years.Any(h => h.Year == y))
                        throw new CalendarDataException(sourceName, field, $"year {y} appears twice");
                    year = y;
                    var rest = parts[2].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    published = !(rest.Length == 1 && rest[0] == "unpublished");
                    papers = published ? [.. rest] : [];
                    days = [];
                    break;
                }
                case "off" or "work":
                {
                    if (year is null)
                        throw new CalendarDataException(sourceName, field, $"'{parts[0]}' before any 'year' line");
                    if (!published)
                        throw new CalendarDataException(sourceName, field, $"year {year} is marked unpublished but lists days");
                    if (parts.Length < 3)
                        throw new CalendarDataException(sourceName, field, $"expected '{parts[0]} YYYY-MM-DD[..YYYY-MM-DD] <name>'");
                    var (first, last) = ParseSpan(parts[1], sourceName, field);
                    if (Math.Abs(first.Year - year.Value) > 1 || Math.Abs(last.Year - year.Value) > 1)
                        throw new CalendarDataException(sourceName, field, $"{parts[1]} is not in or next to year {year}");
                    for (var d = first; d <= last; d = d.PlusDays(1))
                    {
                        if (!seen.Add(d))
                            throw new CalendarDataException(sourceName, field, $"{d:uuuu-MM-dd} is listed twice");
                        days.Add(new SpecialDay(d, parts[0] == "off", parts[2].Trim()));
                    }
                    break;
                }
                default:
                    throw new CalendarDataException(sourceName, field, $"unknown record '{parts[0]}' (expected year, off or work)");
            }
        }

        Flush();
        return years;
    }

    private static (LocalDate First, LocalDate Last) ParseSpan(string text, string source, string field)
    {
        var pieces = text.Split("..");
        if (pieces.Length > 2)
            throw new CalendarDataException(source, field, $"'{text}' is not a date or a range 'YYYY-MM-DD..YYYY-MM-DD'");
        var first = ParseDate(pieces[0], source, field);
        var last = pieces.Length == 2 ? ParseDate(pieces[1], source, field) : first;
        if (last < first)
            throw new CalendarDataException(source, field, $"range '{text}' ends before it starts");
        if (Period.Between(first, last, PeriodUnits.Days).Days > 366)
            throw new CalendarDataException(source, field, $"range '{text}' is longer than a year");
        return (first, last);
    }

    private static LocalDate ParseDate(string text, string source, string field)
    {
        var result = LocalDatePattern.Iso.Parse(text);
        return result.Success ? result.Value : throw new CalendarDataException(source, field, $"'{text}' is not an ISO 8601 date (yyyy-MM-dd)");
    }
}
