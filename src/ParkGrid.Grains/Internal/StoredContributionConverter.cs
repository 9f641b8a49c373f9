using System.Text.Json;
using System.Text.Json.Serialization;
using ParkGrid.Domain.Kpis;

namespace ParkGrid.Grains.Internal;

/// <summary>
/// Reads a case's stored KPI part in either shape: a <see cref="CaseContribution"/>, or the one-case
/// <see cref="KpiTally"/> that case states held before contributions had their own type (recognised by its "cases"
/// field, converted by <see cref="CaseContribution.FromTally"/>). Writes the contribution. Put on the state's properties,
/// not on the type, so the contribution itself is read and written by the serializer's own contract.
/// </summary>
internal sealed class StoredContributionConverter : JsonConverter<CaseContribution>
{
    public override CaseContribution Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException($"A case's KPI contribution must be a JSON object, not {root.ValueKind}.");
        var isTally = false;
        foreach (var field in root.EnumerateObject())
            isTally |= string.Equals(field.Name, nameof(KpiTally.Cases), StringComparison.OrdinalIgnoreCase);
        if (!isTally) return root.Deserialize<CaseContribution>(options) ?? CaseContribution.None;
        var tally = root.Deserialize<KpiTally>(options) ?? KpiTally.Empty;
        try
        {
            return CaseContribution.FromTally(tally);
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"A stored case contribution in the older tally shape could not be read: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, CaseContribution value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}
