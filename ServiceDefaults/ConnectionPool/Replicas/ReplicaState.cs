using NpgsqlTypes;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// What the lag monitor knows of one replica: the newest WAL position it has replayed, since when it has held
/// everything the primary had sent it, and whether it can be reached. Written by the monitor and by failed reads, read
/// lock-free by every routed read.
/// </summary>
/// <remarks>
/// The lag is measured without asking the primary: each reading records the position the replica had <em>received</em>
/// (<c>pg_last_wal_receive_lsn()</c>) at that time. Once the replica has replayed past a recorded position, it holds
/// everything the primary had streamed by that reading's time, so its reads are at most <c>now − that time</c> old. That
/// bound holds while the replica streams (<c>pg_stat_wal_receiver</c> has a row); when it stops streaming, the readings
/// stop counting and the bound grows until it leaves the rotation. Replay paused, replay slow, or a new replica still
/// catching up all show the same way; <c>pg_last_xact_replay_timestamp()</c> would call an idle primary's replica stale.
/// </remarks>
public sealed class ReplicaState(TimeProvider clock, TimeSpan history)
{
    private readonly object _gate = new();
    private readonly Queue<(long At, ulong Received)> _received = new();
    private volatile Snapshot _latest = new(null, 0, Streaming: false, Down: "not read yet");

    /// <summary>The replica as last read: lock-free for the routed reads.</summary>
    public Snapshot Latest => _latest;

    /// <summary>Records a successful reading taken at <paramref name="at"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public void Read(long at, NpgsqlLogSequenceNumber received, NpgsqlLogSequenceNumber replayed, bool streaming)
    {
        lock (_gate)
        {
            if (streaming)
            {
                _received.Enqueue((at, (ulong)received));
            }

            // Older readings than the history cannot matter: a replica that far behind is out of the rotation anyway.
            while (_received.Count > 1 && clock.GetElapsedTime(_received.Peek().At, at) > history)
            {
                _received.Dequeue();
            }

            long? caughtUpAt = null;
            foreach (var (readAt, position) in _received)
            {
                if (position <= (ulong)replayed)
                {
                    caughtUpAt = readAt;
                }
            }

            _latest = new Snapshot(caughtUpAt, (ulong)replayed, streaming, Down: null);
        }
    }

    /// <summary>Takes the replica out of the rotation until the next successful reading: it could not be reached.</summary>
    public void Failed(string reason)
    {
        var latest = _latest;
        _latest = latest with { Down = reason };
    }

    /// <summary>One reading's conclusions.</summary>
    /// <param name="CaughtUpAt">The timestamp since which the replica holds everything, or null when unknown.</param>
    /// <param name="Replayed">The newest WAL position it has replayed.</param>
    /// <param name="Streaming">True while it receives the primary's WAL (or is a primary itself).</param>
    /// <param name="Down">Why it cannot be reached, or null.</param>
    public sealed record Snapshot(long? CaughtUpAt, ulong Replayed, bool Streaming, string? Down)
    {
        /// <summary>How old its reads may be at <paramref name="now"/>; null when unknown.</summary>
        public TimeSpan? Lag(TimeProvider clock, long now) => CaughtUpAt is { } at ? clock.GetElapsedTime(at, now) : null;

        /// <summary>True once it has replayed <paramref name="position"/>.</summary>
        public bool HasReplayed(ulong position) => Replayed >= position;
    }
}
