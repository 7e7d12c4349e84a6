using System.Collections.Concurrent;
using Listings.Api.Data;

namespace Listings.Api.Listings;

/// <summary>
/// Keeps the total count of each filter combination for <see cref="Lifetime"/>, and counts each combination once at a
/// time. Under load every client asks for page 1: counting for each would double the database work for a number nobody
/// needs to the millisecond. A write that changes a total (a create, a delete, an update of a city or a price) clears
/// the cache through <see cref="Caching.ListingCache.EvictAsync"/>, on this replica at once and on the others when they hear
/// it; without the cache's listener, another replica's write shows within <see cref="Lifetime"/>.
/// </summary>
public sealed class ListingCountCache(TimeProvider clock)
{
    /// <summary>How long a count is served from the cache.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    // Cleared by such writes and past this size, so a client cycling through filters cannot grow it without limit.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<ListingQuery, Entry> _entries = new(ListingFilters.SameFilters);

    // Bumped by every clearing: a count that started before a write must not be stored after it.
    private long _generation;

    /// <summary>
    /// The cached count for the filters of <paramref name="query"/>; else, while another request counts them, the last
    /// count known or theirs; else counts with <paramref name="count"/>.
    /// </summary>
    public async Task<int> GetOrCountAsync(ListingQuery query, Func<CancellationToken, Task<int>> count, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            var entry = _entries.GetOrAdd(query, static _ => new Entry());
            var now = clock.GetUtcNow();
            TaskCompletionSource<int>? leader = null;
            Task<int> running;
            lock (entry)
            {
                if (entry.Last is { } fresh && now - fresh.At < Lifetime)
                {
                    return fresh.Count;
                }

                if (entry.Counting is { } counting)
                {
                    // Someone is counting: the last count is good enough meanwhile; without one, wait for theirs.
                    if (entry.Last is { } last)
                    {
                        return last.Count;
                    }

                    running = counting;
                }
                else
                {
                    leader = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    entry.Counting = running = leader.Task;
                }
            }

            if (leader is null)
            {
                try
                {
                    return await running.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The counting request went away: count again, one of the waiters leading.
                    continue;
                }
            }

            return await CountAsync(entry, leader, now, count, cancellationToken);
        }
    }

    /// <summary>Forgets every count: called after every write.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    // The leader counts with its own request's token and DbContext: both live as long as it awaits the count.
    private async Task<int> CountAsync(
        Entry entry, TaskCompletionSource<int> leader, DateTimeOffset startedAt, Func<CancellationToken, Task<int>> count,
        CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        try
        {
            var total = await count(cancellationToken);
            lock (entry)
            {
                entry.Counting = null;
                if (Interlocked.Read(ref _generation) == generation)
                {
                    entry.Last = (total, startedAt);
                }
            }

            leader.SetResult(total);
            return total;
        }
        catch (Exception error)
        {
            lock (entry)
            {
                entry.Counting = null;
            }

            if (error is OperationCanceledException)
            {
                leader.SetCanceled(CancellationToken.None);
            }
            else
            {
                leader.SetException(error);
            }

            throw;
        }
    }

    private sealed class Entry
    {
        public (int Count, DateTimeOffset At)? Last { get; set; }

        public Task<int>? Counting { get; set; }
    }
}
