using System.Linq.Expressions;
using System.Reflection;
using NodaTime;

namespace ParkGrid.Runtime.Catalog;

/// <summary>
/// A grain implementation class and how to construct it: constructor parameters are bound once, at
/// registration — [PersistentState] parameters get state facets, runtime types get the runtime's
/// objects, anything else comes from the host's service provider.
/// </summary>
internal sealed class GrainClass
{
    private readonly Func<object?[], object> _construct;
    private readonly Func<Activation, object?>[] _arguments;

    public GrainClass(Type type, string grainTypeName, IServiceProvider? services)
    {
        Type = type;
        GrainTypeName = grainTypeName;
        IsReentrant = type.GetCustomAttribute<ReentrantAttribute>() is not null;
        IsRemindable = typeof(IRemindable).IsAssignableFrom(type);
        var constructors = type.GetConstructors();
        if (constructors.Length == 0) throw new ArgumentException($"Grain class {type.Name} has no public constructor.");
        var constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        _arguments = constructor.GetParameters().Select(p => Bind(type, p, services)).ToArray();
        _construct = Compile(constructor);
    }

    public Type Type { get; }
    public string GrainTypeName { get; }
    public bool IsReentrant { get; }
    public bool IsRemindable { get; }

    /// <summary>Turns of this grain type that the deterministic host ran (its one thread counts them; a registry belongs to
    /// one runtime). A field on the class rather than a map in the host: counting costs no lookup per turn.</summary>
    internal long DeterministicTurns;

    public object Create(Activation activation)
    {
        var previous = GrainContextAmbient.Current;
        GrainContextAmbient.Current = activation;
        try
        {
            var args = new object?[_arguments.Length];
            for (var i = 0; i < args.Length; i++) args[i] = _arguments[i](activation);
            var instance = _construct(args);
            if (instance is Grain grain) grain.Attach(activation);
            return instance;
        }
        finally
        {
            GrainContextAmbient.Current = previous;
        }
    }

    private static readonly MethodInfo s_stateBinder = typeof(GrainClass).GetMethod(nameof(StateBinder), BindingFlags.NonPublic | BindingFlags.Static)!;

    // Activations are created often (a simulation collects and re-activates idle grains all the time): the constructor
    // and the state facets are called through compiled delegates, not through reflection on every activation.
    private static Func<Activation, object?> StateBinder<TState>(string stateName, string? storageName) where TState : new() =>
        a => a.GetPersistentState<TState>(stateName, storageName);

    private static Func<object?[], object> Compile(ConstructorInfo constructor)
    {
        var args = Expression.Parameter(typeof(object?[]), "args");
        var values = constructor.GetParameters().Select(Expression (p, i) =>
        {
            var item = Expression.ArrayIndex(args, Expression.Constant(i));
            var value = Expression.Convert(item, p.ParameterType);
            // As ConstructorInfo.Invoke does, null becomes the default of a value type.
            return p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null
                ? Expression.Condition(Expression.Equal(item, Expression.Constant(null)), Expression.Default(p.ParameterType), value)
                : value;
        });
        return Expression.Lambda<Func<object?[], object>>(Expression.Convert(Expression.New(constructor, values), typeof(object)), args).Compile();
    }

    private static Func<Activation, object?> Bind(Type grainType, ParameterInfo parameter, IServiceProvider? services)
    {
        var type = parameter.ParameterType;
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } state)
        {
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                throw new ArgumentException($"{grainType.Name}: parameter '{parameter.Name}' has [PersistentState] but is not IPersistentState<T>.");
            var stateType = type.GetGenericArguments()[0];
            if (stateType.GetConstructor(Type.EmptyTypes) is null && !stateType.IsValueType)
                throw new ArgumentException($"{grainType.Name}: state type {stateType.Name} needs a public parameterless constructor.");
            return (Func<Activation, object?>)s_stateBinder.MakeGenericMethod(stateType).Invoke(null, [state.StateName, state.StorageName])!;
        }
        if (type == typeof(IGrainFactory)) return a => a.GrainFactory;
        if (type == typeof(IClock)) return a => a.Clock;
        if (type == typeof(IGrainContext)) return a => a;
        var service = services?.GetService(type);
        if (service is not null) return a => services!.GetService(type);
        if (parameter.HasDefaultValue) return _ => parameter.DefaultValue;
        throw new ArgumentException(
            $"Cannot construct grain {grainType.Name}: no value for parameter '{parameter.Name}' of type {type.Name}. " +
            "Give it [PersistentState(\"name\")] if it is state, or register the service with the host (UseServices).");
    }
}

/// <summary>Which class implements which grain type, found by interface.</summary>
internal sealed class GrainRegistry
{
    private readonly Dictionary<string, GrainClass> _byGrainType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _interfaces = new(StringComparer.Ordinal);

    public void Add(Type interfaceType, Type implementationType, IServiceProvider? services)
    {
        if (!interfaceType.IsInterface || !typeof(IGrainWithStringKey).IsAssignableFrom(interfaceType))
            throw new ArgumentException($"{interfaceType.Name} is not a grain interface (an interface extending IGrainWithStringKey).");
        if (!interfaceType.IsAssignableFrom(implementationType) || implementationType.IsAbstract)
            throw new ArgumentException($"{implementationType.Name} is not a concrete class implementing {interfaceType.Name}.");
        var name = GrainInterfaces.GetGrainType(interfaceType);
        if (_byGrainType.TryGetValue(name, out var existing))
        {
            if (existing.Type == implementationType) return;
            throw new ArgumentException($"Grain type '{name}' is implemented by both {existing.Type.Name} and {implementationType.Name}.");
        }
        _byGrainType[name] = new GrainClass(implementationType, name, services);
        _interfaces[name] = interfaceType;
    }

    /// <summary>Every concrete Grain subclass in the assembly, under each grain interface it implements.</summary>
    public void AddAssembly(System.Reflection.Assembly assembly, IServiceProvider? services)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (type.IsAbstract || !type.IsClass || !typeof(Grain).IsAssignableFrom(type) || type.ContainsGenericParameters) continue;
            foreach (var itf in type.GetInterfaces())
                if (IsGrainInterface(itf) && !type.GetInterfaces().Any(other => other != itf && IsGrainInterface(other) && itf.IsAssignableFrom(other)))
                    Add(itf, type, services); // the most derived grain interfaces only: a shared base interface names no grain type
        }
    }

    private static bool IsGrainInterface(Type itf) => itf != typeof(IGrainWithStringKey) && typeof(IGrainWithStringKey).IsAssignableFrom(itf);

    public GrainClass Get(string grainType) =>
        _byGrainType.TryGetValue(grainType, out var c) ? c
            : throw new InvalidOperationException($"No grain class is registered for grain type '{grainType}'. Registered: {string.Join(", ", _byGrainType.Keys.Order())}.");

    public IReadOnlyCollection<GrainClass> All => _byGrainType.Values;

    /// <summary>The grain interface of each registered grain type.</summary>
    public IReadOnlyDictionary<string, Type> Interfaces => _interfaces;
}
