namespace ParkGrid.Runtime;

/// <summary>
/// Describes one method of a grain interface. Generated proxies create one per method; the runtime keys
/// its per-method statistics by <see cref="Index"/> and its scheduling decisions by the flags.
/// </summary>
public sealed class GrainMethod
{
    private static int s_next = -1;

    public GrainMethod(Type interfaceType, string name, Type? resultType, Type[] parameterTypes, bool isReadOnly, bool alwaysInterleave)
    {
        InterfaceType = interfaceType;
        Name = name;
        ResultType = resultType;
        ParameterTypes = parameterTypes;
        IsReadOnly = isReadOnly;
        AlwaysInterleave = alwaysInterleave;
        Index = Interlocked.Increment(ref s_next);
        GrainType = GrainInterfaces.GetGrainType(interfaceType);
    }

    /// <summary>Process-wide dense number of this method, for array-indexed statistics.</summary>
    public int Index { get; }
    public Type InterfaceType { get; }
    public string GrainType { get; }
    public string Name { get; }
    /// <summary>The T of Task&lt;T&gt;/ValueTask&lt;T&gt;; null for Task/ValueTask.</summary>
    public Type? ResultType { get; }
    public Type[] ParameterTypes { get; }
    public bool IsReadOnly { get; }
    public bool AlwaysInterleave { get; }

    public override string ToString() => $"{InterfaceType.Name}.{Name}";
}

/// <summary>
/// One call to a grain method with its arguments. Generated code derives one class per interface method.
/// </summary>
public abstract class GrainRequest
{
    public abstract GrainMethod Method { get; }

    /// <summary>Calls the method on the grain instance and returns its task (Task&lt;T&gt; when it has a result).</summary>
    public abstract Task InvokeOn(object grain);

    /// <summary>The arguments, in declaration order (for transports that serialize a call).</summary>
    public virtual object?[] GetArguments() => [];

    /// <summary>Sets the arguments, in declaration order (for transports that deserialize a call).</summary>
    public virtual void SetArguments(object?[] arguments)
    {
        if (arguments.Length != 0) throw new ArgumentException($"{Method} takes no arguments but {arguments.Length} were given.");
    }
}

/// <summary>Carries calls from a proxy to wherever the grain lives: the local runtime, or a gateway.</summary>
public interface IGrainCallInvoker
{
    Task InvokeAsync(GrainReference target, GrainRequest request);
    Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest request);
}

/// <summary>Base of generated proxies: a grain's id and the invoker that carries its calls.</summary>
public abstract class GrainReference
{
    protected GrainReference(GrainId grainId, IGrainCallInvoker invoker)
    {
        GrainId = grainId;
        Invoker = invoker;
    }

    public GrainId GrainId { get; }
    public IGrainCallInvoker Invoker { get; }

    /// <summary>A slot the invoker may use to remember where the grain lives (e.g. its activation).</summary>
    public object? InvokerCache;

    public override string ToString() => GrainId.ToString();
    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;
    public override int GetHashCode() => GrainId.GetHashCode();
}
