using Xunit;
using ParkGrid.Runtime.Catalog;

namespace ParkGrid.Runtime.Tests;

/// <summary>The activation's mailbox: a ring that also gives up messages from its middle (calls allowed to interleave).</summary>
public class MessageQueueTests
{
    private sealed class Probe(int id, bool interleave, bool exclusive = false) : Message
    {
        public int Id { get; } = id;
        public override bool AlwaysInterleave => interleave;
        public override bool IsExclusive => exclusive;
        public override Task Run(Activation activation) => Task.CompletedTask;
        public override void Complete(Task turn) { }
        public override void Fail(Exception exception) { }
        public override string Describe() => $"probe {Id}";
        public override string TraceName => "probe";
    }

    /// <summary>
    /// Thousands of random operations (append, push to the front, take from the head, the middle or the end, take all),
    /// checked after each against a plain list: the order of what is left, and the count of queued messages that may
    /// interleave (always-interleave and not exclusive), which lets a busy activation skip scanning its mailbox.
    /// </summary>
    [Fact]
    public void Taking_from_any_place_keeps_the_order_of_the_rest_and_the_count_of_interleaving_messages()
    {
        var queue = new MessageQueue();
        var model = new List<Probe>();
        var random = new Random(20261121);
        var next = 0;
        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(100);
            if (roll < 45)
            {
                var p = new Probe(next++, random.Next(4) == 0, random.Next(10) == 0);
                queue.Enqueue(p);
                model.Add(p);
            }
            else if (roll < 50)
            {
                var p = new Probe(next++, random.Next(4) == 0, random.Next(10) == 0);
                queue.PushFront(p);
                model.Insert(0, p);
            }
            else if (roll < 99 && model.Count > 0)
            {
                // Mostly the head, as a drain takes it; otherwise anywhere.
                var index = random.Next(3) == 0 ? random.Next(model.Count) : 0;
                Assert.Same(model[index], queue.RemoveAt(index));
                model.RemoveAt(index);
            }
            else if (roll == 99)
            {
                Assert.Equal(model, queue.TakeAll().Cast<Probe>());
                model.Clear();
            }

            Assert.Equal(model.Count, queue.Count);
            Assert.Equal(model.Count(p => p.AlwaysInterleave && !p.IsExclusive), queue.Interleaving);
            if (step % 97 == 0) Assert.Equal(model, Enumerable.Range(0, queue.Count).Select(i => (Probe)queue[i]));
        }

        Assert.True(next > 9_000, $"only {next} messages went through the queue");
    }
}
