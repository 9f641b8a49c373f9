using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParkGrid.Runtime.Generators
{
    /// <summary>Turns a grain interface declaration into a <see cref="GrainInterfaceModel"/>.</summary>
    internal static class GrainInterfaceParser
    {
        private const string RuntimeNamespace = "ParkGrid.Runtime";

        /// <summary>Types in signatures: fully qualified, with nullable annotations kept so signatures match the interface.</summary>
        private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>Types inside typeof(): typeof rejects 'string?', and tuple element names have no meaning there.</summary>
        private static readonly SymbolDisplayFormat s_typeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.ExpandValueTuple);

        /// <summary>Cheap syntactic filter: a grain interface names a base, unless another part of a partial one does.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) =>
            node is InterfaceDeclarationSyntax declaration &&
            (declaration.BaseList is not null || declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

        public static GrainInterfaceModel? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var declaration = (InterfaceDeclarationSyntax)context.Node;
            if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol grainInterface) return null;

            // A partial interface has several declarations; handle it once, at its first.
            var first = grainInterface.DeclaringSyntaxReferences[0];
            if (first.SyntaxTree != declaration.SyntaxTree || first.Span != declaration.Span) return null;

            if (IsMarkerInterface(grainInterface) || !grainInterface.AllInterfaces.Any(i => IsRuntimeType(i, "IGrainWithStringKey"))) return null;

            var parser = new Parser(grainInterface, declaration.Identifier.GetLocation(), cancellationToken);
            return parser.Run();
        }

        private sealed class Parser
        {
            private readonly INamedTypeSymbol _interface;
            private readonly Location _interfaceLocation;
            private readonly CancellationToken _cancellationToken;
            private readonly List<DiagnosticModel> _diagnostics = new List<DiagnosticModel>();
            private readonly List<GrainMethodModel> _methods = new List<GrainMethodModel>();
            private readonly string _requestPrefix;
            private bool _hasErrorTypes;

            public Parser(INamedTypeSymbol grainInterface, Location interfaceLocation, CancellationToken cancellationToken)
            {
                _interface = grainInterface;
                _interfaceLocation = interfaceLocation;
                _cancellationToken = cancellationToken;
                _requestPrefix = MangledName(grainInterface);
            }

            public GrainInterfaceModel? Run()
            {
                CheckInterface();

                // Own members first, then inherited ones: the proxy must implement them all.
                foreach (var declaring in new[] { _interface }.Concat(_interface.AllInterfaces))
                {
                    if (IsMarkerInterface(declaring)) continue;
                    foreach (var member in declaring.GetMembers())
                    {
                        _cancellationToken.ThrowIfCancellationRequested();
                        AddMember(declaring, member);
                    }
                }

                // The compiler already reports unknown types; a proxy would only add noise.
                if (_hasErrorTypes && _diagnostics.Count == 0) return null;

                var ns = _interface.ContainingNamespace.IsGlobalNamespace ? null : _interface.ContainingNamespace.ToDisplayString();
                var mangled = MangledName(_interface);
                return new GrainInterfaceModel(
                    HintName: (ns is null ? mangled : ns + "." + mangled) + ".g.cs",
                    Namespace: ns,
                    InterfaceType: _interface.ToDisplayString(s_typeFormat),
                    ProxyName: ProxyPrefix(_interface) + "Proxy__",
                    Methods: _methods.ToEquatableArray(),
                    Diagnostics: _diagnostics.ToEquatableArray());
            }

            private void CheckInterface()
            {
                var display = _interface.ToDisplayString();
                for (var type = _interface; type is not null; type = type.ContainingType)
                {
                    if (type.TypeParameters.Length > 0)
                    {
                        Report(GrainDiagnostics.GenericInterface, _interfaceLocation, display);
                        break;
                    }
                }

                // Generated classes live at namespace level in the same assembly, so they see public and internal types only.
                for (var type = _interface; type is not null; type = type.ContainingType)
                {
                    string? problem = type.IsFileLocal ? "file-local" : type.DeclaredAccessibility switch
                    {
                        Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal => null,
                        Accessibility.Private => "private",
                        Accessibility.Protected => "protected",
                        Accessibility.ProtectedAndInternal => "private protected",
                        _ => "not accessible",
                    };
                    if (problem is not null)
                    {
                        Report(GrainDiagnostics.InaccessibleInterface, _interfaceLocation, display, type.ToDisplayString(), problem);
                        break;
                    }
                }
            }

            private void AddMember(INamedTypeSymbol declaring, ISymbol member)
            {
                if (member.IsStatic)
                {
                    // Static members with bodies are helpers; static abstract ones would need a static implementation.
                    if (member.IsAbstract || member.IsVirtual)
                        ReportMember(GrainDiagnostics.StaticAbstractMember, declaring, member, member.Name);
                    return;
                }

                switch (member)
                {
                    case IPropertySymbol property:
                        ReportMember(GrainDiagnostics.NonMethodMember, declaring, member,
                            property.IsIndexer ? "indexer" : "property", property.IsIndexer ? "this[]" : property.Name);
                        break;
                    case IEventSymbol:
                        ReportMember(GrainDiagnostics.NonMethodMember, declaring, member, "event", member.Name);
                        break;
                    case IMethodSymbol method when method.MethodKind == MethodKind.Ordinary:
                        // Sealed and private interface methods are not part of the contract: nothing to implement.
                        if (method.IsSealed || method.DeclaredAccessibility == Accessibility.Private) return;
                        AddMethod(declaring, method);
                        break;
                }
            }

            private void AddMethod(INamedTypeSymbol declaring, IMethodSymbol method)
            {
                var valid = true;

                if (method.IsGenericMethod)
                {
                    ReportMember(GrainDiagnostics.GenericMethod, declaring, method, method.Name);
                    valid = false;
                }

                var returnKind = ClassifyReturn(method, out var resultType);
                if (returnKind is null)
                {
                    var actual = (method.ReturnsByRef ? "ref " : method.ReturnsByRefReadonly ? "ref readonly " : "") + method.ReturnType.ToDisplayString();
                    ReportMember(GrainDiagnostics.InvalidReturnType, declaring, method, method.Name, actual);
                    valid = false;
                }
                if (ContainsErrorType(method.ReturnType)) _hasErrorTypes = true;

                var parameters = new List<GrainParameterModel>();
                foreach (var parameter in method.Parameters)
                {
                    if (parameter.RefKind != RefKind.None)
                    {
                        ReportMember(GrainDiagnostics.ByRefParameter, declaring, method, method.Name, parameter.Name, RefKindText(parameter.RefKind));
                        valid = false;
                    }
                    else if (parameter.Type.IsRefLikeType || parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
                    {
                        ReportMember(GrainDiagnostics.UnsupportedParameterType, declaring, method, method.Name, parameter.Name, parameter.Type.ToDisplayString());
                        valid = false;
                    }
                    if (ContainsErrorType(parameter.Type)) _hasErrorTypes = true;
                    parameters.Add(new GrainParameterModel(
                        EscapeIdentifier(parameter.Name),
                        parameter.Type.ToDisplayString(s_typeFormat),
                        TypeOf(parameter.Type),
                        KindOf(parameter.Type)));
                }
                if (method.IsVararg)
                {
                    ReportMember(GrainDiagnostics.UnsupportedParameterType, declaring, method, method.Name, "__arglist", "__arglist");
                    valid = false;
                }
                if (!valid) return;

                var index = _methods.Count;
                _methods.Add(new GrainMethodModel(
                    RequestName: _requestPrefix + "_" + method.Name + "_" + index + "__",
                    Name: method.Name,
                    EscapedName: EscapeIdentifier(method.Name),
                    DeclaringInterface: declaring.ToDisplayString(s_typeFormat),
                    ReturnType: method.ReturnType.ToDisplayString(s_typeFormat),
                    ReturnKind: returnKind!.Value,
                    ResultType: resultType?.ToDisplayString(s_typeFormat),
                    ResultTypeOf: resultType is null ? null : TypeOf(resultType),
                    Parameters: parameters.ToEquatableArray(),
                    IsReadOnly: HasRuntimeAttribute(method, "ReadOnlyAttribute"),
                    AlwaysInterleave: HasRuntimeAttribute(method, "AlwaysInterleaveAttribute")));
            }

            /// <summary>
            /// Own members are reported where they are declared; inherited ones at this interface's name, so that a
            /// base shared by several grain interfaces yields one error per grain interface, each at its own place.
            /// Arguments: the declaring interface, <paramref name="arguments"/>, then the inheritance note.
            /// </summary>
            private void ReportMember(DiagnosticDescriptor descriptor, INamedTypeSymbol declaring, ISymbol member, params string[] arguments)
            {
                var own = SymbolEqualityComparer.Default.Equals(declaring, _interface);
                var location = own ? member.Locations.FirstOrDefault(l => l.IsInSource) ?? _interfaceLocation : _interfaceLocation;
                var note = own ? "" : $" (inherited by grain interface '{_interface.ToDisplayString()}')";
                Report(descriptor, location, new[] { declaring.ToDisplayString() }.Concat(arguments).Concat(new[] { note }).ToArray());
            }

            private void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
                _diagnostics.Add(new DiagnosticModel(descriptor.Id, LocationModel.From(location), new EquatableArray<string>(arguments)));
        }

        private static ReturnKind? ClassifyReturn(IMethodSymbol method, out ITypeSymbol? resultType)
        {
            resultType = null;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly) return null;
            if (method.ReturnType is not INamedTypeSymbol type || type.ContainingType is not null) return null;
            if (type.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks") return null;

            var generic = type.TypeArguments.Length == 1;
            if (generic) resultType = type.TypeArguments[0];
            else if (type.TypeArguments.Length != 0) return null;

            return type.Name switch
            {
                "Task" => generic ? ReturnKind.TaskOfT : ReturnKind.Task,
                "ValueTask" => generic ? ReturnKind.ValueTaskOfT : ReturnKind.ValueTask,
                _ => null,
            };
        }

        private static string TypeOf(ITypeSymbol type) =>
            // typeof(dynamic) is not allowed; at run time it is object anyway.
            type.TypeKind == TypeKind.Dynamic ? "object" : type.ToDisplayString(s_typeOfFormat);

        private static ParameterKind KindOf(ITypeSymbol type)
        {
            if (!type.IsValueType) return ParameterKind.Reference;
            return type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? ParameterKind.NullableValue : ParameterKind.Value;
        }

        private static bool ContainsErrorType(ITypeSymbol type) => type switch
        {
            IErrorTypeSymbol => true,
            IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
            _ => false,
        };

        private static string RefKindText(RefKind kind) => kind switch
        {
            RefKind.Ref => "ref",
            RefKind.Out => "out",
            RefKind.In => "in",
            _ => "ref readonly",
        };

        /// <summary>Interface name with containing types, e.g. Outer_IParkGrain, so nested interfaces get distinct names.</summary>
        private static string MangledName(INamedTypeSymbol type) =>
            type.ContainingType is null ? type.Name : MangledName(type.ContainingType) + "_" + type.Name;

        /// <summary>IParkGrain → ParkGrain (with containing types: Outer_ParkGrain).</summary>
        private static string ProxyPrefix(INamedTypeSymbol type)
        {
            var name = type.Name;
            if (name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1])) name = name.Substring(1);
            return type.ContainingType is null ? name : MangledName(type.ContainingType) + "_" + name;
        }

        private static string EscapeIdentifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        private static bool HasRuntimeAttribute(IMethodSymbol method, string name) =>
            method.GetAttributes().Any(a => a.AttributeClass is { } type && IsRuntimeType(type, name));

        /// <summary>IGrain and IGrainWithStringKey mark grain interfaces; they declare no methods.</summary>
        private static bool IsMarkerInterface(INamedTypeSymbol type) =>
            IsRuntimeType(type, "IGrain") || IsRuntimeType(type, "IGrainWithStringKey");

        private static bool IsRuntimeType(INamedTypeSymbol type, string name) =>
            type.Name == name && type.ContainingType is null && type.ContainingNamespace?.ToDisplayString() == RuntimeNamespace;
    }
}
