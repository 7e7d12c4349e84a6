using System.Collections.Concurrent;
using Microsoft.AspNetCore.OutputCaching;
using NpgsqlTypes;

namespace Listings.Api.Caching;

/// <summary>
/// What the public reads' cache knows besides Output Caching's store: the tags its entries carry, the position every fill
/// reads at (the floor: at or past every write this replica has evicted for), the position each entry was filled at, and
/// a generation that every eviction moves on, so a fill that raced an eviction is never stored.
/// </summary>
/// <remarks>
/// Output Caching keeps an entry's creation time to itself (aspnetcore#59127), so the entry's floor lives here, keyed by
/// the same key the policy gives the store. A read whose <c>Listings-Consistency</c> token is past its entry's floor skips
/// the entry; one without an entry floor here (evicted, or stored before the last eviction) skips it too.
/// </remarks>
public sealed class ListingCache(IOutputCacheStore store, TimeProvider clock)
{
    /// <summary>The tag of every entry.</summary>
    public const string AllTag = "listings";

    /// <summary>The tag of every page of the list.</summary>
    public const string PagesTag = "listings:pages";

    // Cleared by every eviction and past this size: a client cycling through filters cannot grow it without limit.
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, (ulong Floor, long StoredAt)> _entries = new(StringComparer.Ordinal);
    private long _generation;
    private long _floor;

    /// <summary>The tag of one listing's entry.</summary>
    public static string ListingTag(long id) => $"listing:{id}";

    /// <summary>Moves on with every eviction: a fill that started in another generation is not stored.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The position every fill reads at: a host that has replayed it holds every write evicted so far.</summary>
    public NpgsqlLogSequenceNumber Floor => new((ulong)Interlocked.Read(ref _floor));

    /// <summary>True when the entry under <paramref name="key"/> was filled at or past <paramref name="position"/>.</summary>
    public bool Covers(string key, NpgsqlLogSequenceNumber position) =>
        _entries.TryGetValue(key, out var entry) && entry.Floor >= (ulong)position;

    /// <summary>True when the entry under <paramref name="key"/> was stored no longer than <paramref name="age"/> ago.</summary>
    public bool StoredWithin(string key, TimeSpan age) => _entries.TryGetValue(key, out var entry) && clock.GetElapsedTime(entry.StoredAt) <= age;

    /// <summary>True when the entry under <paramref name="key"/> was stored after <paramref name="timestamp"/>.</summary>
    public bool StoredAfter(string key, long timestamp) => _entries.TryGetValue(key, out var entry) && entry.StoredAt > timestamp;

    /// <summary>Records that the entry under <paramref name="key"/> was filled at <paramref name="position"/>, stored at <paramref name="timestamp"/>.</summary>
    public void Stored(string key, NpgsqlLogSequenceNumber position, long timestamp)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = ((ulong)position, timestamp);
    }

    /// <summary>
    /// Evicts the list's pages and the listings <paramref name="ids"/> after a write at <paramref name="position"/>: the
    /// floor first, so no later fill reads before the write; the generation next, so no fill under way is stored.
    /// </summary>
    public async ValueTask EvictAsync(IEnumerable<long> ids, NpgsqlLogSequenceNumber position, string source, CancellationToken cancellationToken)
    {
        RaiseFloor(position);
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        await store.EvictByTagAsync(PagesTag, cancellationToken);
        foreach (var id in ids)
        {
            await store.EvictByTagAsync(ListingTag(id), cancellationToken);
        }

        CacheMetrics.Evicted(source);
    }

    /// <summary>Evicts every entry: writes may have gone unheard (the listener reconnected, or was down too long).</summary>
    public async ValueTask EvictAllAsync(NpgsqlLogSequenceNumber position, string source, CancellationToken cancellationToken)
    {
        RaiseFloor(position);
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        await store.EvictByTagAsync(AllTag, cancellationToken);
        CacheMetrics.Evicted(source);
    }

    private void RaiseFloor(NpgsqlLogSequenceNumber position)
    {
        var value = (long)(ulong)position;
        for (var current = Interlocked.Read(ref _floor); (ulong)current < (ulong)value; current = Interlocked.Read(ref _floor))
        {
            if (Interlocked.CompareExchange(ref _floor, value, current) == current)
            {
                return;
            }
        }
    }
}
