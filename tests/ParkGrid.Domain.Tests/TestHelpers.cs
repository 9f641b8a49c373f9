using NodaTime;
using ParkGrid.Domain;

namespace ParkGrid.Domain.Tests;

internal static class T
{
    public static LocalDate D(int y, int m, int d) => new(y, m, d);

    /// <summary>Shanghai wall-clock time.</summary>
    public static Instant At(int y, int m, int d, int h = 0, int min = 0) => ChinaTime.At(y, m, d, h, min);

    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);
}
