using System.Text;
using NodaTime;
using ParkGrid.Domain.Calendar;
using static ParkGrid.Domain.Tests.T;

namespace ParkGrid.Domain.Tests;

public class CalendarTests
{
    private static readonly WorkingDayCalendar Cn = WorkingDayCalendar.China;

    [Fact]
    public void Embedded_data_covers_2020_to_2026_and_knows_2027_is_unpublished()
    {
        Assert.Equal([2020, 2021, 2022, 2023, 2024, 2025, 2026], Cn.PublishedYears);
        var y2027 = Assert.Single(Cn.Years, y => y.Year == 2027);
        Assert.False(y2027.Published);
    }

    [Theory]
    [InlineData(2025, 9, 26, DayKind.Workday)]        // Friday
    [InlineData(2025, 9, 27, DayKind.Weekend)]        // Saturday
    [InlineData(2025, 9, 28, DayKind.MakeUpWorkday)]  // Sunday, 调休上班 for National Day
    [InlineData(2025, 10, 1, DayKind.Holiday)]
    [InlineData(2025, 10, 4, DayKind.Holiday)]        // Saturday inside the holiday
    [InlineData(2025, 10, 8, DayKind.Holiday)]        // Wednesday, last day off
    [InlineData(2025, 10, 9, DayKind.Workday)]
    [InlineData(2025, 10, 11, DayKind.MakeUpWorkday)] // Saturday, 调休上班
    [InlineData(2025, 10, 12, DayKind.Weekend)]
    [InlineData(2025, 1, 26, DayKind.MakeUpWorkday)]  // Spring Festival make-up Sunday
    [InlineData(2025, 1, 28, DayKind.Holiday)]        // 除夕 2025, a Tuesday
    [InlineData(2020, 2, 3, DayKind.Workday)]         // a Monday the 2020 notice lists as a working day
    [InlineData(2026, 2, 14, DayKind.MakeUpWorkday)]
    public void Classifies_days(int y, int m, int d, DayKind expected)
    {
        var info = Cn.Describe(D(y, m, d));
        Assert.Equal(expected, info.Kind);
        Assert.Equal(expected is DayKind.Workday or DayKind.MakeUpWorkday, Cn.IsWorkingDay(D(y, m, d)));
    }

    [Fact]
    public void Holiday_name_is_available()
    {
        Assert.Equal("国庆节、中秋节", Cn.Describe(D(2025, 10, 3)).HolidayName);
        Assert.Null(Cn.Describe(D(2025, 10, 13)).HolidayName);
    }

    [Fact]
    public void Five_working_days_after_Friday_26_September_2025_is_10_October()
    {
        // Counted: Sun 09-28 (make-up), Mon 09-29, Tue 09-30, [10-01..10-08 off], Thu 10-09, Fri 10-10.
        Assert.Equal(D(2025, 10, 10), Cn.AddWorkingDays(D(2025, 9, 26), 5));
        Assert.Equal(5, Cn.WorkingDaysBetween(D(2025, 9, 26), D(2025, 10, 10)));
        Assert.Equal(-5, Cn.WorkingDaysBetween(D(2025, 10, 10), D(2025, 9, 26)));
    }

    [Fact]
    public void Start_day_is_never_counted()
    {
        Assert.Equal(D(2025, 9, 29), Cn.AddWorkingDays(D(2025, 9, 28), 1)); // start on a make-up Sunday
        Assert.Equal(D(2025, 10, 9), Cn.AddWorkingDays(D(2025, 10, 1), 1)); // start on a holiday
        Assert.Equal(D(2025, 10, 3), Cn.AddWorkingDays(D(2025, 10, 3), 0));
        Assert.Equal(0, Cn.WorkingDaysBetween(D(2025, 10, 9), D(2025, 10, 9)));
        Assert.Equal(1, Cn.WorkingDaysBetween(D(2025, 10, 8), D(2025, 10, 9)));
    }

    [Fact]
    public void Negative_counts_go_backwards()
    {
        Assert.Equal(D(2025, 9, 30), Cn.AddWorkingDays(D(2025, 10, 9), -1));
        Assert.Equal(D(2025, 9, 28), Cn.AddWorkingDays(D(2025, 10, 9), -3));
    }

    [Fact]
    public void AddWorkingDays_and_WorkingDaysBetween_agree_over_every_start_in_2025()
    {
        for (var start = D(2025, 1, 1); start <= D(2025, 11, 30); start = start.PlusDays(1))
        {
            foreach (var n in new[] { 0, 1, 2, 5, 10, 20 })
            {
                var end = Cn.AddWorkingDays(start, n);
                Assert.Equal(n, Cn.WorkingDaysBetween(start, end));
                if (n > 0) Assert.True(Cn.IsWorkingDay(end), $"{end} should be a working day");
            }
        }
    }

    [Fact]
    public void A_date_in_an_unpublished_year_throws_a_clear_error()
    {
        var e = Assert.Throws<CalendarCoverageException>(() => Cn.IsWorkingDay(D(2027, 2, 8)));
        Assert.Equal(D(2027, 2, 8), e.Date);
        Assert.Contains("2027", e.Message);
        Assert.Contains("not published", e.Message);
        Assert.Contains("AssumeWeekendsOnly", e.Message);
    }

    [Fact]
    public void A_date_in_an_unknown_year_throws_and_counting_into_it_throws()
    {
        var e = Assert.Throws<CalendarCoverageException>(() => Cn.IsWorkingDay(D(2019, 12, 31)));
        Assert.Contains("no holiday schedule for 2019", e.Message);
        Assert.Throws<CalendarCoverageException>(() => Cn.AddWorkingDays(D(2026, 12, 28), 10));
    }

    [Fact]
    public void Plain_weekends_outside_the_data_only_by_explicit_opt_in()
    {
        var lenient = Cn.WithOutOfRange(OutOfRangeBehavior.AssumeWeekendsOnly);
        Assert.True(lenient.IsWorkingDay(D(2027, 1, 4)));   // Monday
        Assert.False(lenient.IsWorkingDay(D(2027, 1, 2)));  // Saturday
        Assert.Equal(D(2027, 1, 8), lenient.AddWorkingDays(D(2026, 12, 31), 6)); // 1 (Fri) …: 1,4,5,6,7,8
        Assert.Equal(DayKind.Holiday, lenient.Describe(D(2026, 1, 1)).Kind); // known years still use data
    }

    [Fact]
    public void Embedded_data_agrees_with_the_holiday_cn_files_day_by_day()
    {
        var jsonYears = new List<HolidayYear>();
        foreach (var year in Enumerable.Range(2020, 8))
        {
            using var stream = File.OpenRead(TestData("holiday-cn", $"{year}.json"));
            jsonYears.Add(HolidayCnJson.Parse(stream, $"{year}.json"));
        }

        var fromJson = WorkingDayCalendar.Create(jsonYears);
        Assert.Equal(Cn.PublishedYears, fromJson.PublishedYears);
        foreach (var jsonYear in jsonYears)
        {
            var ownYear = Assert.Single(Cn.Years, y => y.Year == jsonYear.Year);
            Assert.Equal(jsonYear.Published, ownYear.Published);
            Assert.Equal(jsonYear.Papers, ownYear.Papers);
            Assert.Equal(jsonYear.Days, ownYear.Days);
        }

        for (var d = D(2020, 1, 1); d.Year <= 2026; d = d.PlusDays(1))
            Assert.Equal(fromJson.Describe(d), Cn.Describe(d));
        // 2022-12-31 comes from the 2023 notice (元旦 2023 began on Saturday 2022-12-31).
        Assert.Equal(DayKind.Holiday, Cn.Describe(D(2022, 12, 31)).Kind);
    }

    [Fact]
    public void Loads_a_further_year_from_a_holiday_cn_file()
    {
        const string json = """
            {
              "year": 2028,
              "papers": ["https://example.invalid/2028-notice"],
              "days": [
                { "name": "元旦", "date": "2028-01-01", "isOffDay": true },
                { "name": "春节", "date": "2028-01-23", "isOffDay": false },
                { "name": "春节", "date": "2028-01-26", "isOffDay": true },
                { "name": "春节", "date": "2028-01-27", "isOffDay": true }
              ]
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var calendar = Cn.WithHolidayCnJson(stream, "2028.json");
        Assert.Contains(2028, calendar.PublishedYears);
        Assert.False(calendar.IsWorkingDay(D(2028, 1, 26)));          // Wednesday off
        Assert.True(calendar.IsWorkingDay(D(2028, 1, 23)));           // Sunday make-up
        Assert.True(calendar.IsWorkingDay(D(2028, 1, 25)));           // plain Tuesday
        Assert.Equal(D(2028, 1, 28), calendar.AddWorkingDays(D(2028, 1, 25), 1));
        Assert.DoesNotContain(2028, Cn.PublishedYears);               // the original is unchanged
        Assert.Throws<CalendarCoverageException>(() => calendar.IsWorkingDay(D(2027, 6, 1)));
    }

    [Fact]
    public void Loading_the_empty_2027_file_keeps_2027_out_of_range_and_never_erases_published_data()
    {
        using (var stream = File.OpenRead(TestData("holiday-cn", "2027.json")))
        {
            var calendar = Cn.WithHolidayCnJson(stream, "2027.json");
            Assert.Throws<CalendarCoverageException>(() => calendar.IsWorkingDay(D(2027, 3, 1)));
        }

        using (var stream = new MemoryStream(Encoding.UTF8.GetBytes("""{"year": 2025, "papers": [], "days": []}""")))
        {
            var calendar = Cn.WithHolidayCnJson(stream, "empty-2025.json");
            Assert.False(calendar.IsWorkingDay(D(2025, 10, 1)));
        }
    }

    public static TheoryData<string, string, string> MalformedFiles => new()
    {
        { "{ \"year\": 2028, ", "line 1", "not valid JSON" },
        { "[1, 2]", "$", "expected a JSON object" },
        { """{"papers": [], "days": []}""", "year", "required field is missing" },
        { """{"year": "2028", "papers": [], "days": []}""", "year", "expected an integer year" },
        { """{"year": 2028, "papers": "x", "days": []}""", "papers", "expected an array" },
        { """{"year": 2028, "papers": [3], "days": []}""", "papers[0]", "expected a string" },
        { """{"year": 2028, "papers": []}""", "days", "required field is missing" },
        { """{"year": 2028, "papers": ["u"], "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}, {"name": "春节", "date": "2028-13-01", "isOffDay": true}]}""", "days[1].date", "not an ISO 8601 date" },
        { """{"year": 2028, "papers": ["u"], "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": "yes"}]}""", "days[0].isOffDay", "expected true or false" },
        { """{"year": 2028, "papers": ["u"], "days": [{"date": "2028-01-01", "isOffDay": true}]}""", "days[0].name", "required field is missing" },
        { """{"year": 2028, "papers": ["u"], "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}, {"name": "元旦", "date": "2028-01-01", "isOffDay": false}]}""", "days[1].date", "listed twice" },
        { """{"year": 2028, "papers": ["u"], "days": [{"name": "元旦", "date": "2031-01-01", "isOffDay": true}]}""", "days[0].date", "not in or next to" },
        { """{"year": 2028, "papers": ["u"], "days": []}""", "days", "lists no days" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void A_malformed_holiday_cn_file_names_file_and_field(string json, string field, string problem)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var e = Assert.Throws<CalendarDataException>(() => Cn.WithHolidayCnJson(stream, "bad-2028.json"));
        Assert.Equal("bad-2028.json", e.Source);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith($"bad-2028.json: {field}: ", e.Message);
    }

    [Fact]
    public void A_file_contradicting_a_neighbouring_year_is_rejected()
    {
        // The 2023 notice lists 2022-12-31 as a day off; a 2022 file claiming it as a working day contradicts it.
        var y2022 = HolidayCnJson.Parse("""{"year": 2022, "papers": ["u"], "days": [{"name": "x", "date": "2022-12-31", "isOffDay": false}]}""", "fake-2022.json");
        var cn2023Only = WorkingDayCalendar.Create(Cn.Years.Where(y => y.Year == 2023));
        var e = Assert.Throws<CalendarDataException>(() => cn2023Only.WithYear(y2022));
        Assert.Contains("2022-12-31", e.Message);
    }

    [Fact]
    public void Own_format_errors_name_the_line()
    {
        var e = Assert.Throws<CalendarDataException>(() => HolidayDataFile.Parse("year 2028 u\noff 2028-01-01 元旦\nholiday 2028-01-02 x\n", "mine.txt"));
        Assert.Equal("line 3", e.Field);
        e = Assert.Throws<CalendarDataException>(() => HolidayDataFile.Parse("off 2028-01-01 元旦\n", "mine.txt"));
        Assert.Equal("line 1", e.Field);
        e = Assert.Throws<CalendarDataException>(() => HolidayDataFile.Parse("year 2028 u\noff 2028-01-05..2028-01-01 x\n", "mine.txt"));
        Assert.Contains("ends before it starts", e.Message);
    }

    [Fact]
    public void Own_format_round_trips_ranges()
    {
        var years = HolidayDataFile.Parse("# c\nyear 2028 u1 u2\noff 2028-01-01..2028-01-03 元旦 # note\nwork 2028-01-08 元旦\nyear 2029 unpublished\n", "mine.txt");
        Assert.Equal(2, years.Count);
        Assert.Equal(["u1", "u2"], years[0].Papers);
        Assert.Equal(4, years[0].Days.Count);
        Assert.Equal(new SpecialDay(D(2028, 1, 8), false, "元旦"), years[0].Days[3]);
        Assert.False(years[1].Published);
    }
}
