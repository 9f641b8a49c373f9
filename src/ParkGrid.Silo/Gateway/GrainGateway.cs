using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using ParkGrid.Runtime;
using ParkGrid.Runtime.Json;

namespace ParkGrid.Silo.Gateway;

/// <summary>
/// Calls any grain method by name: POST /api/grains/{grainType}/{key}/{method} with the arguments as a
/// JSON array (or an object keyed by parameter name). The cluster client's proxies use this; so can curl.
/// Arguments are checked and converted before the grain is touched, so bad input changes nothing.
/// </summary>
public sealed class GrainGateway(GrainRuntime runtime)
{
    private readonly ConcurrentDictionary<(Type, string), MethodBinding[]> _bindings = new();

    /// <summary>Grain types and their methods, for discovery.</summary>
    public IEnumerable<object> Describe() => runtime.GrainInterfaces.OrderBy(kv => kv.Key).Select(kv => new
    {
        grainType = kv.Key,
        @interface = kv.Value.Name,
        methods = MethodBinding.Names(kv.Value),
    });

    /// <param name="forwarded">Another silo forwarded the call: it runs here or is answered 421 (never forwarded again).</param>
    public async Task<IResult> CallAsync(string grainType, string key, string method, HttpRequest request, bool forwarded = false)
    {
        if (!runtime.GrainInterfaces.TryGetValue(grainType, out var itf))
            return Problems.NotFound($"Unknown grain type '{grainType}'. Known: {string.Join(", ", runtime.GrainInterfaces.Keys.Order())}.", "grainType");
        if (string.IsNullOrWhiteSpace(key))
            return Problems.BadRequest("The grain key must not be empty.", "key");

        var candidates = _bindings.GetOrAdd((itf, method), static k => MethodBinding.For(k.Item1, k.Item2));
        if (candidates.Length == 0)
            return Problems.NotFound($"{itf.Name} has no method '{method}'. Methods: {string.Join(", ", MethodBinding.Names(itf))}.", "method");

        JsonElement body;
        try
        {
            body = request.ContentLength is 0 || (request.ContentLength is null && !request.Body.CanSeek && request.Headers.TransferEncoding.Count == 0)
                ? default
                : (await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted)).RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The request body is not valid JSON: {e.Message}", "body");
        }

        var count = body.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => 0,
            JsonValueKind.Array => body.GetArrayLength(),
            JsonValueKind.Object => body.EnumerateObject().Count(),
            _ => -1,
        };
        if (count < 0) return Problems.BadRequest("The arguments must be a JSON array, or an object keyed by parameter name.", "body");
        var binding = candidates.FirstOrDefault(b => b.Parameters.Length == count);
        if (binding is null)
            return Problems.BadRequest($"{itf.Name}.{method} takes {string.Join(" or ", candidates.Select(c => c.Describe()))}; {count} argument(s) were given.", "body");

        object?[] args;
        try
        {
            args = binding.ReadArguments(body);
        }
        catch (ArgumentBindingException e)
        {
            return Problems.BadRequest(e.Message, e.Parameter);
        }

        var proxy = GrainProxies.Create(itf, new GrainId(grainType, key), forwarded ? runtime.LocalOnly : runtime);
        object? result;
        try
        {
            result = await binding.InvokeAsync(proxy, args);
        }
        catch (Exception e)
        {
            return Problems.FromException(e);
        }
        return binding.ResultType is null ? Results.NoContent() : Results.Json(result, ParkGridJson.Options, contentType: null, statusCode: 200);
    }

    private sealed class ArgumentBindingException(string parameter, string message) : Exception(message)
    {
        public string Parameter { get; } = parameter;
    }

    /// <summary>How to call one interface method from JSON: parameter types, the invoke, and how to await its result.</summary>
    private sealed class MethodBinding
    {
        private static readonly MethodInfo s_awaitTask = typeof(MethodBinding).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!;
        private static readonly MethodInfo s_awaitValueTask = typeof(MethodBinding).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;

        private readonly MethodInfo _method;
        private readonly Func<object, Task<object?>> _await;

        private MethodBinding(MethodInfo method)
        {
            _method = method;
            Parameters = method.GetParameters();
            var returnType = method.ReturnType;
            if (returnType == typeof(Task)) _await = async t => { await (Task)t; return null; };
            else if (returnType == typeof(ValueTask)) _await = async t => { await (ValueTask)t; return null; };
            else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                ResultType = returnType.GetGenericArguments()[0];
                _await = s_awaitTask.MakeGenericMethod(ResultType).CreateDelegate<Func<object, Task<object?>>>();
            }
            else
            {
                ResultType = returnType.GetGenericArguments()[0];
                _await = s_awaitValueTask.MakeGenericMethod(ResultType).CreateDelegate<Func<object, Task<object?>>>();
            }
        }

        public ParameterInfo[] Parameters { get; }
        public Type? ResultType { get; }

        public static MethodBinding[] For(Type itf, string name) =>
            AllMethods(itf).Where(m => string.Equals(m.Name, name, StringComparison.Ordinal)).Select(m => new MethodBinding(m)).ToArray();

        public static IEnumerable<string> Names(Type itf) => AllMethods(itf).Select(m => m.Name).Distinct().Order();

        private static IEnumerable<MethodInfo> AllMethods(Type itf) =>
            new[] { itf }.Concat(itf.GetInterfaces()).Where(i => i != typeof(IGrain) && i != typeof(IGrainWithStringKey)).SelectMany(i => i.GetMethods());

        public string Describe() => Parameters.Length == 0 ? "no arguments" : $"({string.Join(", ", Parameters.Select(p => $"{p.ParameterType.Name} {p.Name}"))})";

        public object?[] ReadArguments(JsonElement body)
        {
            var args = new object?[Parameters.Length];
            for (var i = 0; i < args.Length; i++)
            {
                var p = Parameters[i];
                JsonElement value;
                if (body.ValueKind == JsonValueKind.Array) value = body[i];
                else if (!TryGetProperty(body, p.Name!, out value))
                    throw new ArgumentBindingException(p.Name!, $"Missing argument '{p.Name}' ({p.ParameterType.Name}).");
                try
                {
                    args[i] = value.Deserialize(p.ParameterType, ParkGridJson.Options);
                }
                catch (Exception e) when (e is JsonException or NotSupportedException or FormatException or InvalidOperationException)
                {
                    throw new ArgumentBindingException(p.Name!, $"Argument '{p.Name}' is not a valid {p.ParameterType.Name}: {e.Message}");
                }
                if (args[i] is null && p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null)
                    throw new ArgumentBindingException(p.Name!, $"Argument '{p.Name}' ({p.ParameterType.Name}) must not be null.");
            }
            return args;
        }

        private static bool TryGetProperty(JsonElement body, string name, out JsonElement value)
        {
            foreach (var property in body.EnumerateObject())
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            value = default;
            return false;
        }

        public Task<object?> InvokeAsync(object proxy, object?[] args) =>
            _await(_method.Invoke(proxy, BindingFlags.DoNotWrapExceptions, null, args, null)!);

        private static async Task<object?> AwaitTask<T>(object task) => await (Task<T>)task;
        private static async Task<object?> AwaitValueTask<T>(object task) => await (ValueTask<T>)task;
    }
}
