using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ParkGrid.Runtime.Generators
{
    /// <summary>
    /// The errors that stop a grain interface from getting a proxy. Member messages end their first quoted name
    /// with a note that is empty for own members and names the grain interface for inherited ones.
    /// </summary>
    internal static class GrainDiagnostics
    {
        private const string Category = "ParkGrid.Runtime";

        public static readonly DiagnosticDescriptor InvalidReturnType = Error(
            "PGRT001",
            "Grain method must return a task",
            "Grain method '{0}.{1}'{3} returns '{2}'; grain interface methods must return Task, Task<T>, ValueTask or ValueTask<T>");

        public static readonly DiagnosticDescriptor ByRefParameter = Error(
            "PGRT002",
            "Grain method parameter must be passed by value",
            "Parameter '{2}' of grain method '{0}.{1}'{4} is '{3}'; ref, out, in and ref readonly parameters are not allowed because calls may cross process boundaries");

        public static readonly DiagnosticDescriptor GenericMethod = Error(
            "PGRT003",
            "Generic grain methods are not supported",
            "Grain method '{0}.{1}'{2} is generic; generic grain methods are not supported");

        public static readonly DiagnosticDescriptor NonMethodMember = Error(
            "PGRT004",
            "Grain interfaces may declare only methods",
            "Interface '{0}'{3} declares the {1} '{2}'; properties, events and indexers are not allowed in grain interfaces (use methods)");

        public static readonly DiagnosticDescriptor GenericInterface = Error(
            "PGRT005",
            "Generic grain interfaces are not supported",
            "Grain interface '{0}' is generic (or nested in a generic type); generic grain interfaces are not supported");

        public static readonly DiagnosticDescriptor InaccessibleInterface = Error(
            "PGRT006",
            "Grain interface is not accessible to generated code",
            "Grain interface '{0}' is not accessible to generated code because '{1}' is {2}; grain interfaces and the types containing them must be public or internal");

        public static readonly DiagnosticDescriptor StaticAbstractMember = Error(
            "PGRT007",
            "Static abstract members are not supported in grain interfaces",
            "Interface '{0}'{2} declares the static abstract or virtual member '{1}'; grain interfaces may not have them");

        public static readonly DiagnosticDescriptor UnsupportedParameterType = Error(
            "PGRT008",
            "Grain method parameter type cannot be carried in a request",
            "Parameter '{2}' of grain method '{0}.{1}'{4} has type '{3}', which cannot be stored in a request (pointers and ref structs are not supported)");

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new[]
        {
            InvalidReturnType, ByRefParameter, GenericMethod, NonMethodMember,
            GenericInterface, InaccessibleInterface, StaticAbstractMember, UnsupportedParameterType,
        }.ToDictionary(d => d.Id);

        public static DiagnosticDescriptor ById(string id) => s_byId[id];

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
    }
}
