namespace ParkGrid.Runtime.Generators.Tests;

/// <summary>Source snippets the generator runs on.</summary>
internal static class Snippets
{
    /// <summary>A grain interface using every supported shape, plus an implementation to call requests on.</summary>
    public const string Valid = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using NodaTime;
        using ParkGrid.Runtime;

        namespace Demo
        {
            public interface IBaseGrain : IGrainWithStringKey
            {
                Task<int> GetCount();
            }

            public interface IParkGrain : IBaseGrain, IRemindable
            {
                [ReadOnly] Task<string> GetName();
                Task SetName(string name);
                [AlwaysInterleave] ValueTask Ping();
                [ReadOnly, AlwaysInterleave] ValueTask<int?> Add(int a, int b);
                ValueTask<int?> Add(int a, int b, int c);
                Task<string?> Describe(string? prefix, int @event, params string[] tags);
                Task<List<string?>> Move(Instant at, (int X, int Y) to, List<string?>? names = null);
            }

            /// <summary>Records the calls that requests make on it.</summary>
            public sealed class ParkGrainImpl : IParkGrain
            {
                public List<string> Calls { get; } = new();
                public Task<int> GetCount() { Calls.Add("GetCount"); return Task.FromResult(7); }
                public Task<string> GetName() { Calls.Add("GetName"); return Task.FromResult("north"); }
                public Task SetName(string name) { Calls.Add("SetName:" + name); return Task.CompletedTask; }
                public ValueTask Ping() { Calls.Add("Ping"); return default; }
                public ValueTask<int?> Add(int a, int b) { Calls.Add("Add2"); return new(a + b); }
                public ValueTask<int?> Add(int a, int b, int c) { Calls.Add("Add3"); return new(a + b + c); }
                public Task<string?> Describe(string? prefix, int @event, params string[] tags) { Calls.Add("Describe:" + prefix + @event + string.Join(",", tags)); return Task.FromResult<string?>(null); }
                public Task<List<string?>> Move(Instant at, (int X, int Y) to, List<string?>? names = null) { Calls.Add("Move"); return Task.FromResult(new List<string?>()); }
                public Task ReceiveReminder(string reminderName, TickStatus status) { Calls.Add("Reminder:" + reminderName); return Task.CompletedTask; }
            }
        }
        """;

    /// <summary>Names that could clash: same signatures in two bases, members named like GrainReference's, nesting, global namespace.</summary>
    public const string Clashes = """
        using System.Threading.Tasks;
        using ParkGrid.Runtime;

        public interface IGlobalGrain : IGrainWithStringKey
        {
            Task Invoker(int grain);
            Task<string> GrainId();
            Task<string> ToString(string Invoker);
            Task @class(int @this, string @params);
        }

        namespace Demo.Clash
        {
            public interface IA : IGrain { Task Do(int x); }
            public interface IB : IGrain { Task Do(int x); }
            public interface IBothGrain : IA, IB, IGrainWithStringKey
            {
                new Task<int> Do(int x);
            }

            public static class Outer
            {
                public interface IInnerGrain : IGrainWithStringKey { Task Run(); }
                internal class Middle
                {
                    protected internal interface IInnerGrain : IGrainWithStringKey { Task Run(); }
                }
            }

            public partial interface IPartialGrain { Task First(); }
        }
        """;

    public const string PartialSecondPart = """
        using System.Threading.Tasks;
        namespace Demo.Clash
        {
            public partial interface IPartialGrain : ParkGrid.Runtime.IGrainWithStringKey { Task Second(); }
        }
        """;
}
