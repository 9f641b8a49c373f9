using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ParkGrid.Runtime.Generators
{
    // The pipeline carries these small value-equal records instead of symbols: symbols change identity with
    // every compilation, so keeping them would defeat caching (and keep old compilations alive).

    /// <summary>Everything needed to emit one grain interface's file, or the errors that prevent it.</summary>
    internal sealed record GrainInterfaceModel(
        string HintName,
        string? Namespace,
        string InterfaceType,
        string ProxyName,
        EquatableArray<GrainMethodModel> Methods,
        EquatableArray<DiagnosticModel> Diagnostics);

    internal enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    /// <param name="RequestName">Name of the generated request class.</param>
    /// <param name="Name">The method name as metadata spells it (for the descriptor).</param>
    /// <param name="EscapedName">The method name as C# source must spell it (keywords get '@').</param>
    /// <param name="DeclaringInterface">The interface that declares the method, fully qualified.</param>
    /// <param name="ResultType">T of Task&lt;T&gt;/ValueTask&lt;T&gt; with nullable annotations; null without a result.</param>
    /// <param name="ResultTypeOf">The same type spelled for typeof() (no nullable reference annotations).</param>
    internal sealed record GrainMethodModel(
        string RequestName,
        string Name,
        string EscapedName,
        string DeclaringInterface,
        string ReturnType,
        ReturnKind ReturnKind,
        string? ResultType,
        string? ResultTypeOf,
        EquatableArray<GrainParameterModel> Parameters,
        bool IsReadOnly,
        bool AlwaysInterleave);

    internal enum ParameterKind
    {
        /// <summary>A reference type: null passes through.</summary>
        Reference,
        /// <summary>A non-nullable value type: null is an error.</summary>
        Value,
        /// <summary>A Nullable&lt;T&gt;: null passes through.</summary>
        NullableValue,
    }

    internal sealed record GrainParameterModel(string Name, string Type, string TypeOf, ParameterKind Kind);

    internal sealed record DiagnosticModel(string Id, LocationModel Location, EquatableArray<string> Arguments);

    /// <summary>A location reduced to values, recreated with <see cref="Location.Create(string, TextSpan, LinePositionSpan)"/>.</summary>
    internal sealed record LocationModel(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public static LocationModel From(Location location)
        {
            var lineSpan = location.GetLineSpan();
            return new LocationModel(location.SourceTree?.FilePath ?? lineSpan.Path, location.SourceSpan, lineSpan.Span);
        }

        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
    }
}
