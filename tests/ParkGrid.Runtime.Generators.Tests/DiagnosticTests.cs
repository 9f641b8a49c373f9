using Microsoft.CodeAnalysis;

namespace ParkGrid.Runtime.Generators.Tests;

public class DiagnosticTests
{
    private const string Usings = "using System.Threading.Tasks;\nusing ParkGrid.Runtime;\n";

    /// <summary>A bad grain interface IBadGrain, the expected diagnostic, and the source text it must point at.</summary>
    public static TheoryData<string, string, string> BadInterfaces => new()
    {
        { "PGRT001", "public interface IBadGrain : IGrainWithStringKey { int Count(); }", "Count" },
        { "PGRT001", "public interface IBadGrain : IGrainWithStringKey { void Reset(); }", "Reset" },
        { "PGRT001", "public interface IBadGrain : IGrainWithStringKey { System.Collections.Generic.IAsyncEnumerable<int> Stream(); }", "Stream" },
        { "PGRT002", "public interface IBadGrain : IGrainWithStringKey { Task Move(ref int x); }", "Move" },
        { "PGRT002", "public interface IBadGrain : IGrainWithStringKey { Task Move(out int x); }", "Move" },
        { "PGRT002", "public interface IBadGrain : IGrainWithStringKey { Task Move(in int x); }", "Move" },
        { "PGRT002", "public interface IBadGrain : IGrainWithStringKey { Task Move(ref readonly int x); }", "Move" },
        { "PGRT003", "public interface IBadGrain : IGrainWithStringKey { Task<T> Get<T>(T value); }", "Get" },
        { "PGRT004", "public interface IBadGrain : IGrainWithStringKey { Task<int> Count { get; } }", "Count" },
        { "PGRT004", "public interface IBadGrain : IGrainWithStringKey { event System.EventHandler Changed; }", "Changed" },
        { "PGRT004", "public interface IBadGrain : IGrainWithStringKey { Task<int> this[int i] { get; } }", "this" },
        { "PGRT005", "public interface IBadGrain<T> : IGrainWithStringKey { Task Run(); }", "IBadGrain" },
        { "PGRT005", "public class Host<T> { public interface IBadGrain : IGrainWithStringKey { Task Run(); } }", "IBadGrain" },
        { "PGRT006", "public class Host { private interface IBadGrain : IGrainWithStringKey { Task Run(); } }", "IBadGrain" },
        { "PGRT006", "public class Host { protected interface IBadGrain : IGrainWithStringKey { Task Run(); } }", "IBadGrain" },
        { "PGRT006", "public class Host { private protected interface IBadGrain : IGrainWithStringKey { Task Run(); } }", "IBadGrain" },
        { "PGRT006", "public class Host { private class Inner { public interface IBadGrain : IGrainWithStringKey { Task Run(); } } }", "IBadGrain" },
        { "PGRT006", "file interface IBadGrain : IGrainWithStringKey { Task Run(); }", "IBadGrain" },
        { "PGRT007", "public interface IBadGrain : IGrainWithStringKey { static abstract Task Create(); }", "Create" },
        { "PGRT008", "public interface IBadGrain : IGrainWithStringKey { Task Read(System.Span<byte> data); }", "Read" },
        // Violations inherited from a base that is not itself a grain interface are reported at the grain interface.
        { "PGRT004", "public interface IHasCount { int Count { get; } }\npublic interface IBadGrain : IGrainWithStringKey, IHasCount { Task Run(); }", "IBadGrain" },
    };

    [Theory]
    [MemberData(nameof(BadInterfaces))]
    public void BadInterface_ReportsTheErrorAtTheMember_AndGetsNoProxy(string id, string declaration, string expectedAt)
    {
        // A valid interface beside the bad one still gets its proxy: errors are per interface.
        var source = Usings + declaration + "\npublic interface IGoodGrain : IGrainWithStringKey { Task Run(); }\n";

        var result = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("ParkGrid.Runtime", diagnostic.Descriptor.Category);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(expectedAt, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("IBadGrain", diagnostic.GetMessage());

        Assert.Equal(["IGoodGrain.g.cs"], result.HintNames);
        Assert.DoesNotContain(result.Output.SyntaxTrees, t => t.ToString().Contains("BadGrain", StringComparison.Ordinal) && t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidReturnType_MessageNamesInterfaceMethodAndActualType()
    {
        var result = GeneratorHarness.Run(Usings + "namespace Demo { public interface IBadGrain : IGrainWithStringKey { System.Collections.Generic.List<int> Items(); } }");

        var message = Assert.Single(result.GeneratorDiagnostics).GetMessage();

        Assert.Contains("'Demo.IBadGrain.Items'", message);
        Assert.Contains("'System.Collections.Generic.List<int>'", message);
    }

    [Fact]
    public void ByRefParameter_MessageNamesTheParameterAndItsKind()
    {
        var result = GeneratorHarness.Run(Usings + "public interface IBadGrain : IGrainWithStringKey { Task Move(int a, out int result); }");

        var message = Assert.Single(result.GeneratorDiagnostics).GetMessage();

        Assert.Contains("'result'", message);
        Assert.Contains("'out'", message);
    }

    [Fact]
    public void EveryViolation_IsReported_NotOnlyTheFirst()
    {
        var result = GeneratorHarness.Run(Usings + "public interface IBadGrain : IGrainWithStringKey { int A(); Task B(ref int x); Task<int> C { get; } Task Fine(); }");

        Assert.Equal(["PGRT001", "PGRT002", "PGRT004"], result.GeneratorDiagnostics.Select(d => d.Id).Order());
        Assert.Empty(result.HintNames);
    }

    [Fact]
    public void BaseGrainInterfaceError_IsReportedOncePerGrainInterface()
    {
        // The base reports at its member; the derived interface, which cannot get a proxy either, reports at its name.
        var source = Usings + "public interface IBaseGrain : IGrainWithStringKey { int Count(); }\npublic interface IDerivedGrain : IBaseGrain { Task Run(); }";

        var result = GeneratorHarness.Run(source);

        Assert.Equal(["Count", "IDerivedGrain"],
            result.GeneratorDiagnostics.Select(d => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)).Order());
        Assert.All(result.GeneratorDiagnostics, d => Assert.Equal("PGRT001", d.Id));
        Assert.Single(result.GeneratorDiagnostics, d => d.GetMessage().Contains("'IBaseGrain.Count' (inherited by grain interface 'IDerivedGrain')", StringComparison.Ordinal));
        Assert.Empty(result.HintNames);
    }

    [Fact]
    public void InterfacesOutsideTheGrainHierarchy_AreIgnored()
    {
        var result = GeneratorHarness.Run(Usings + "public interface IPlain : System.IDisposable { int Count { get; } }\npublic interface IMarker : IGrain { int X(); }");

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.HintNames);
    }

    [Fact]
    public void UnknownTypes_AreLeftToTheCompiler()
    {
        var result = GeneratorHarness.Run(Usings + "public interface IBadGrain : IGrainWithStringKey { Task<Missing> Get(); }");

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.HintNames);
        Assert.Contains(result.Errors, d => d.Id == "CS0246");
    }
}
