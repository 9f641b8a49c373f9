using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParkGrid.Runtime.Generators.Tests;

public class IncrementalTests
{
    private const string Unrelated = "namespace Demo { public class Other { public int X; } }";

    [Fact]
    public void UnrelatedEditInAnotherFile_LeavesEveryStepCachedOrUnchanged()
    {
        var (first, second) = RunTwice(c => Replace(c, 1, "namespace Demo { public class Other { public int X; public string Y = \"\"; } }"));

        AssertNothingRecomputed(second);
        Assert.Equal(Sources(first), Sources(second));
    }

    [Fact]
    public void EditMovingTheInterfaceWithinItsFile_LeavesModelsUnchanged()
    {
        // Shifts every span in the interface's file: valid models carry no locations, so they still compare equal.
        var (_, second) = RunTwice(c => Replace(c, 0, "// a leading comment\n\n" + Snippets.Valid));

        AssertNothingRecomputed(second);
    }

    [Fact]
    public void EditToTheGrainInterface_RegeneratesIt()
    {
        var (_, second) = RunTwice(c => Replace(c, 0, Snippets.Valid.Replace("Task SetName(string name);", "Task SetName(string name);\n        Task Rename(string name);", StringComparison.Ordinal)));

        var outputs = second.TrackedSteps[GrainProxyGenerator.GrainInterfacesStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, outputs);
        Assert.Contains("IParkGrain_Rename_2__", second.GeneratedSources.Single(s => s.HintName == "Demo.IParkGrain.g.cs").SourceText.ToString());
    }

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(Func<Compilation, Compilation> edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(Snippets.Valid, Unrelated);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        driver = driver.RunGenerators(edit(compilation));
        return (first, driver.GetRunResult().Results.Single());
    }

    private static Compilation Replace(Compilation compilation, int index, string source)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, old.FilePath));
    }

    private static void AssertNothingRecomputed(GeneratorRunResult result)
    {
        var models = result.TrackedSteps[GrainProxyGenerator.GrainInterfacesStep].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(2, models.Count);
        Assert.All(models, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"model step was {o.Reason}"));

        var sourceOutputs = result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(sourceOutputs);
        Assert.All(sourceOutputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    private static string[] Sources(GeneratorRunResult result) =>
        [.. result.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal).Select(s => s.SourceText.ToString())];
}
