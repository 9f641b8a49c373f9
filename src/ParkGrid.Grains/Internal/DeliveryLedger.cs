namespace ParkGrid.Grains.Internal;

/// <summary>
/// Makes report deliveries idempotent: remembers the last revision applied per sender. Senders that are done for now
/// (a closed case) leave the main map for a bounded list of recent ones, so the state of a grain that indexes many cases
/// stays proportional to its open ones while a retried delivery of a closing report is still recognised.
/// Part of grain state (JSON): public get/set properties.
/// </summary>
public sealed class DeliveryLedger
{
    private const int RecentCapacity = 256;

    /// <summary>Sender → last revision applied, for senders still active.</summary>
    public Dictionary<string, long> Active { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sender → last revision applied, for senders recently done.</summary>
    public Dictionary<string, long> Recent { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The order <see cref="Recent"/> was filled in, oldest first.</summary>
    public List<string> RecentOrder { get; set; } = [];

    /// <summary>Whether the report (sender, revision) is new; if so it is recorded, as active or as done.</summary>
    public bool Accept(string sender, long revision, bool active)
    {
        if (Active.TryGetValue(sender, out var seen) && revision <= seen) return false;
        if (Recent.TryGetValue(sender, out var done) && revision <= done) return false;
        if (Recent.Remove(sender)) RecentOrder.Remove(sender);
        if (active)
        {
            Active[sender] = revision;
            return true;
        }

        Active.Remove(sender);
        Recent[sender] = revision;
        RecentOrder.Add(sender);
        if (RecentOrder.Count > RecentCapacity)
        {
            Recent.Remove(RecentOrder[0]);
            RecentOrder.RemoveAt(0);
        }

        return true;
    }
}
