using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParkGrid.Runtime.Generators;

namespace ParkGrid.Runtime.Generators.Tests;

/// <summary>Compiles source snippets, runs the generator on them, and loads the result.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        // The framework as the test host runs it, plus the grain contract and its NodaTime dependency.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(GrainId).Assembly.Location)
            .Append(typeof(NodaTime.Instant).Assembly.Location)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratorTest_" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new GrainProxyGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratorResult Run(params string[] sources)
    {
        var compilation = CreateCompilation(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorResult(output, generatorDiagnostics, driver.GetRunResult());
    }

    /// <summary>Emits the compilation and loads it into its own collectible context; the grain contract stays shared with the tests.</summary>
    public static Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(stream);
    }
}

internal sealed record GeneratorResult(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult RunResult)
{
    public ImmutableArray<Diagnostic> Errors =>
        [.. Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];

    public IEnumerable<string> HintNames => RunResult.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName);

    public string Source(string hintName) =>
        RunResult.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == hintName).SourceText.ToString();
}

/// <summary>An invoker that records each request and answers with <see cref="NextResult"/>.</summary>
public sealed class RecordingInvoker : IGrainCallInvoker
{
    public List<(GrainReference Target, GrainRequest Request)> Calls { get; } = [];
    public object? NextResult { get; set; }

    public Task InvokeAsync(GrainReference target, GrainRequest request)
    {
        Calls.Add((target, request));
        return Task.CompletedTask;
    }

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest request)
    {
        Calls.Add((target, request));
        return Task.FromResult(NextResult is TResult result ? result : default!);
    }
}
