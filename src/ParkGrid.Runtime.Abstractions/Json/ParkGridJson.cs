using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ParkGrid.Runtime.Json;

/// <summary>
/// The JSON settings used for grain state, reminders and the gateway: camelCase, enums as strings,
/// NodaTime values as ISO-8601 text that round-trips exactly.
/// (NodaTime.Serialization.SystemTextJson is not on our package source, hence these few converters.)
/// </summary>
public static class ParkGridJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        AddNodaTimeConverters(options.Converters);
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static void AddNodaTimeConverters(IList<JsonConverter> converters)
    {
        converters.Add(new NodaPatternConverter<Instant>(InstantPattern.ExtendedIso));
        converters.Add(new NodaPatternConverter<LocalDate>(LocalDatePattern.Iso));
        converters.Add(new NodaPatternConverter<LocalTime>(LocalTimePattern.ExtendedIso));
        converters.Add(new NodaPatternConverter<LocalDateTime>(LocalDateTimePattern.ExtendedIso));
        converters.Add(new NodaPatternConverter<OffsetDateTime>(OffsetDateTimePattern.ExtendedIso));
        converters.Add(new NodaPatternConverter<Duration>(DurationPattern.Roundtrip));
        converters.Add(new NodaPatternConverter<Period>(PeriodPattern.Roundtrip));
        converters.Add(new NodaPatternConverter<ZonedDateTime>(
            ZonedDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<G> z", DateTimeZoneProviders.Tzdb)));
        converters.Add(new DateTimeZoneConverter());
    }

    private sealed class NodaPatternConverter<T>(IPattern<T> pattern) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"Expected an ISO-8601 string for {typeof(T).Name}, found {reader.TokenType}.");
            var text = reader.GetString()!;
            var result = pattern.Parse(text);
            return result.Success ? result.Value : throw new JsonException($"'{text}' is not a valid {typeof(T).Name}: {result.Exception.Message}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(pattern.Format(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(pattern.Format(value));
    }

    private sealed class DateTimeZoneConverter : JsonConverter<DateTimeZone>
    {
        public override DateTimeZone Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var id = reader.GetString() ?? throw new JsonException("Expected a time zone id such as 'Asia/Shanghai'.");
            return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? throw new JsonException($"Unknown time zone '{id}'.");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeZone value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Id);
    }
}
