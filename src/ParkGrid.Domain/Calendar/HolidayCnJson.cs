using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace ParkGrid.Domain.Calendar;

/// <summary>
/// Reads one year of the public holiday-cn JSON format (https://github.com/NateScarlet/holiday-cn, MIT):
/// <c>{"year": 2025, "papers": ["https://…"], "days": [{"name": "春节", "date": "2025-01-28", "isOffDay": true}, …]}</c>.
/// Every problem is reported as a <see cref="CalendarDataException"/> naming the file and the field.
/// </summary>
public static class HolidayCnJson
{
    /// <summary>Parses one holiday-cn year file.</summary>
    /// <param name="json">The file's content (UTF-8).</param>
    /// <param name="sourceName">The file name used in error messages.</param>
    public static HolidayYear Parse(Stream json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CalendarDataException(sourceName, e.LineNumber is { } line ? $"line {line + 1}" : "$", $"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            return Parse(document.RootElement, sourceName);
        }
    }

    /// <summary>Parses one holiday-cn year from a string.</summary>
    public static HolidayYear Parse(string json, string sourceName)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Parse(stream, sourceName);
    }

    private static HolidayYear Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new CalendarDataException(source, "$", $"expected a JSON object, found {Describe(root)}");

        var yearElement = Required(root, "year", source, "$");
        if (yearElement.ValueKind != JsonValueKind.Number || !yearElement.TryGetInt32(out var year))
            throw new CalendarDataException(source, "year", $"expected an integer year, found {Describe(yearElement)}");
        if (year is < 1950 or > 9998)
            throw new CalendarDataException(source, "year", $"{year} is not a plausible year");

        var papersElement = Required(root, "papers", source, "$");
        if (papersElement.ValueKind != JsonValueKind.Array)
            throw new CalendarDataException(source, "papers", $"expected an array of URLs, found {Describe(papersElement)}");
        var papers = new List<string>();
        var i = 0;
        foreach (var paper in papersElement.EnumerateArray())
        {
            if (paper.ValueKind != JsonValueKind.String)
                throw new CalendarDataException(source, $"papers[{i}]", $"expected a string, found {Describe(paper)}");
            papers.Add(paper.GetString()!);
            i++;
        }

        var daysElement = Required(root, "days", source, "$");
        if (daysElement.ValueKind != JsonValueKind.Array)
            throw new CalendarDataException(source, "days", $"expected an array, found {Describe(daysElement)}");

        var days = new List<SpecialDay>();
        var seen = new Dictionary<LocalDate, int>();
        i = 0;
        foreach (var day in daysElement.EnumerateArray())
        {
            var path = $"days[{i}]";
            if (day.ValueKind != JsonValueKind.Object)
                throw new CalendarDataException(source, path, $"expected an object, found {Describe(day)}");

            var nameElement = Required(day, "name", source, path);
            if (nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
                throw new CalendarDataException(source, $"{path}.name", $"expected a non-empty string, found {Describe(nameElement)}");

            var dateElement = Required(day, "date", source, path);
            if (dateElement.ValueKind != JsonValueKind.String)
                throw new CalendarDataException(source, $"{path}.date", $"expected an ISO 8601 date string (yyyy-MM-dd), found {Describe(dateElement)}");
            var parsed = LocalDatePattern.Iso.Parse(dateElement.GetString()!);
            if (!parsed.Success)
                throw new CalendarDataException(source, $"{path}.date", $"'{dateElement.GetString()}' is not an ISO 8601 date (yyyy-MM-dd)");
            var date = parsed.Value;
            if (Math.Abs(date.Year - year) > 1)
                throw new CalendarDataException(source, $"{path}.date", $"{date:uuuu-MM-dd} is not in or next to the file's year {year}");

            var offElement = Required(day, "isOffDay", source, path);
            if (offElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new CalendarDataException(source, $"{path}.isOffDay", $"expected true or false, found {Describe(offElement)}");

            if (seen.TryGetValue(date, out var previous))
                throw new CalendarDataException(source, $"{path}.date", $"{date:uuuu-MM-dd} is listed twice (also days[{previous}])");
            seen.Add(date, i);
            days.Add(new SpecialDay(date, offElement.GetBoolean(), nameElement.GetString()!));
            i++;
        }

        var published = papers.Count > 0 || days.Count > 0;
        if (published && days.Count == 0)
            throw new CalendarDataException(source, "days", $"the file names papers for {year} but lists no days");
        days.Sort((a, b) => a.Date.CompareTo(b.Date));
        return new HolidayYear(year, published, papers, days, source);
    }

    private static JsonElement Required(JsonElement obj, string name, string source, string path)
    {
        if (!obj.TryGetProperty(name, out var value))
            throw new CalendarDataException(source, path == "$" ? name : $"{path}.{name}", "required field is missing");
        return value;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"string \"{e.GetString()}\"",
        JsonValueKind.Number => $"number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {e.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString(),
    };
}
