using NodaTime;
using ParkGrid.Runtime.Hosting;

namespace ParkGrid.Runtime.Tests;

internal static class TestHosts
{
    public static readonly Instant Start = Instant.FromUtc(2025, 9, 26, 1, 0);

    public static GrainHostBuilder Builder() =>
        new GrainHostBuilder().AddGrainsFrom(typeof(TestHosts).Assembly).UseServices(new Services());

    /// <summary>The services test grains ask for in their constructors.</summary>
    private sealed class Services : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(Uri) ? new Uri("https://policy.example/v1") : null;
    }

    public static async Task<LiveHost> Live(Action<GrainHostBuilder>? configure = null)
    {
        var builder = Builder();
        configure?.Invoke(builder);
        var host = builder.BuildLive();
        await host.StartAsync();
        return host;
    }

    public static DeterministicHost Deterministic(Action<GrainHostBuilder>? configure = null, Instant? start = null)
    {
        var builder = Builder();
        configure?.Invoke(builder);
        return builder.BuildDeterministic(start ?? Start);
    }

    /// <summary>A key no other test uses, so tests sharing static probes stay independent.</summary>
    public static string Key(string prefix = "k") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Polls until the condition holds (fails after 10 s): for things that happen on other threads.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Still not true after 10 s: {what}");
            await Task.Delay(10);
        }
    }

    public static Task<T> Within<T>(this Task<T> task, int seconds = 10) => task.WaitAsync(TimeSpan.FromSeconds(seconds));
    public static Task Within(this Task task, int seconds = 10) => task.WaitAsync(TimeSpan.FromSeconds(seconds));
}
