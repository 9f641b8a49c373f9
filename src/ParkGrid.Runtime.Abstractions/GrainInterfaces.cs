using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace ParkGrid.Runtime;

/// <summary>Grain type names of grain interfaces.</summary>
public static class GrainInterfaces
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    /// <summary>The grain type name of an interface: its [GrainType] or a kebab-case name from IXxxGrain.</summary>
    public static string GetGrainType(Type interfaceType) => s_names.GetOrAdd(interfaceType, static t =>
    {
        var attribute = t.GetCustomAttribute<GrainTypeAttribute>();
        if (attribute is not null) return attribute.Name;
        var name = t.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        if (name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1])) name = name[1..];
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length) name = name[..^"Grain".Length];
        return ToKebabCase(name);
    });

    internal static string ToKebabCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>
/// Registry of proxy factories. Generated code registers each grain interface's proxy from a module
/// initializer, so looking up a proxy costs one dictionary read and never reflection.
/// </summary>
public static class GrainProxies
{
    private static readonly ConcurrentDictionary<Type, Func<GrainId, IGrainCallInvoker, GrainReference>> s_factories = new();
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<GrainMethod>> s_methods = new();

    /// <summary>Called by generated code: the proxy factory and the method descriptors of one grain interface.</summary>
    public static void Register(Type interfaceType, Func<GrainId, IGrainCallInvoker, GrainReference> factory, IReadOnlyList<GrainMethod> methods)
    {
        s_methods[interfaceType] = methods;
        s_factories[interfaceType] = factory;
    }

    /// <summary>The methods of a grain interface (gateway and cluster client use this to map names to calls).</summary>
    public static IReadOnlyList<GrainMethod> GetMethods(Type interfaceType)
    {
        EnsureRegistered(interfaceType);
        return s_methods.TryGetValue(interfaceType, out var methods)
            ? methods
            : throw new InvalidOperationException($"No proxy is generated for {interfaceType.FullName}.");
    }

    public static bool IsRegistered(Type interfaceType) => s_factories.ContainsKey(interfaceType);

    /// <summary>Makes sure the module initializer of the interface's assembly has run.</summary>
    internal static void EnsureRegistered(Type interfaceType)
    {
        if (!s_factories.ContainsKey(interfaceType))
            RuntimeHelpers.RunModuleConstructor(interfaceType.Module.ModuleHandle);
    }

    public static TGrainInterface Create<TGrainInterface>(string key, IGrainCallInvoker invoker)
    {
        var type = typeof(TGrainInterface);
        return (TGrainInterface)(object)Create(type, new GrainId(GrainInterfaces.GetGrainType(type), key), invoker);
    }

    public static GrainReference Create(Type interfaceType, GrainId grainId, IGrainCallInvoker invoker)
    {
        if (!s_factories.TryGetValue(interfaceType, out var factory))
        {
            EnsureRegistered(interfaceType);
            if (!s_factories.TryGetValue(interfaceType, out factory))
                throw new InvalidOperationException(
                    $"No proxy is generated for {interfaceType.FullName}. A grain interface must extend IGrainWithStringKey and its project must reference ParkGrid.Runtime.Generators as an analyzer.");
        }
        return factory(grainId, invoker);
    }
}
