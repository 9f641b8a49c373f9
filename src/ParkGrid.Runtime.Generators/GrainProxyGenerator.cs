using System.Linq;
using Microsoft.CodeAnalysis;

namespace ParkGrid.Runtime.Generators
{
    /// <summary>
    /// Emits, for every interface of the compilation that extends ParkGrid.Runtime.IGrainWithStringKey, a proxy
    /// class, one request class per method, and a module initializer that registers them with GrainProxies.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class GrainProxyGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking name of the step that yields one model per grain interface (for incrementality tests).</summary>
        public const string GrainInterfacesStep = "GrainInterfaces";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var grainInterfaces = context.SyntaxProvider
                .CreateSyntaxProvider(GrainInterfaceParser.IsCandidate, GrainInterfaceParser.Parse)
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .WithTrackingName(GrainInterfacesStep);

            context.RegisterSourceOutput(grainInterfaces, static (output, model) =>
            {
                if (model.Diagnostics.Count > 0)
                {
                    // An interface with errors gets no proxy: a half-built one would only add follow-on errors.
                    foreach (var diagnostic in model.Diagnostics)
                    {
                        output.ReportDiagnostic(Diagnostic.Create(
                            GrainDiagnostics.ById(diagnostic.Id), diagnostic.Location.ToLocation(), diagnostic.Arguments.ToArray()));
                    }
                    return;
                }
                output.AddSource(model.HintName, ProxyEmitter.Emit(model));
            });
        }
    }
}
