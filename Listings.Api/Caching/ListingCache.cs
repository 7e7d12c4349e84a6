using Listings.Api.Listings;
using Microsoft.AspNetCore.OutputCaching;
using NpgsqlTypes;

namespace Listings.Api.Caching;

/// <summary>
/// What the public reads' cache knows besides Output Caching's store, one <see cref="Read"/> per read the API answers:
/// its version (part of the store's key), the listings its entry shows, the position the entry was filled at and when.
/// A write evicts by changing the version of every read it may have made stale, before it answers: a request after that
/// asks for a key no earlier entry or fill has, so it can neither hit an old entry nor wait for a fill that began before
/// the write (Output Caching coalesces requests by key), and the old entry is then removed from the store.
/// </summary>
/// <remarks>
/// Versions come from one counter and are never reused, so a read whose state was dropped gets a fresh one. A read
/// whose listings are not known yet (its first fill is under way, or it was not stored) is treated as showing every
/// listing. Output Caching keeps an entry's creation time to itself (aspnetcore#59127), so it is kept here too. A write
/// that changes the totals also clears <see cref="ListingCountCache"/>, here and on every replica that hears it.
/// </remarks>
public sealed class ListingCache(IOutputCacheStore store, ListingCountCache counts, TimeProvider clock)
{
    /// <summary>The tag of every entry.</summary>
    public const string AllTag = "listings";

    // Past this many reads the state starts again (and the store is emptied): a client cycling through filters cannot
    // grow it without limit.
    private const int MaxReads = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Read> _reads = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HashSet<string>> _readsShowing = [];
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);
    private long _versions;
    private long _floor;

    /// <summary>The tag of one read's entries, whatever their version.</summary>
    public static string ReadTag(string key) => $"read:{key}";

    /// <summary>The position every fill reads at: a host that has replayed it holds every write evicted so far.</summary>
    public NpgsqlLogSequenceNumber Floor => new((ulong)Interlocked.Read(ref _floor));

    /// <summary>The current version of the read <paramref name="key"/> (a page when <paramref name="page"/>), created when new.</summary>
    public long Version(string key, bool page, bool filtered)
    {
        lock (_lock)
        {
            if (!_reads.TryGetValue(key, out var read))
            {
                if (_reads.Count >= MaxReads)
                {
                    Forget();
                }

                _reads[key] = read = new Read(++_versions, page, filtered);
                _unknown.Add(key);
            }

            return read.Version;
        }
    }

    /// <summary>True when version <paramref name="version"/> of <paramref name="key"/> is current and was filled at or past <paramref name="position"/>.</summary>
    public bool Covers(string key, long version, NpgsqlLogSequenceNumber position)
    {
        lock (_lock)
        {
            return _reads.TryGetValue(key, out var read) && read.Version == version && read.StoredAt is not null && read.Floor >= (ulong)position;
        }
    }

    /// <summary>True when version <paramref name="version"/> of <paramref name="key"/> was stored no longer than <paramref name="age"/> ago.</summary>
    public bool StoredWithin(string key, long version, TimeSpan age)
    {
        lock (_lock)
        {
            return _reads.TryGetValue(key, out var read) && read.Version == version && read.StoredAt is { } storedAt && clock.GetElapsedTime(storedAt) <= age;
        }
    }

    /// <summary>True when version <paramref name="version"/> of <paramref name="key"/> was stored after <paramref name="timestamp"/>.</summary>
    public bool StoredAfter(string key, long version, long timestamp)
    {
        lock (_lock)
        {
            return _reads.TryGetValue(key, out var read) && read.Version == version && read.StoredAt > timestamp;
        }
    }

    /// <summary>
    /// Records that version <paramref name="version"/> of <paramref name="key"/> was filled at <paramref name="position"/>
    /// showing <paramref name="shows"/>; false when a write has changed the version since (the fill must not be stored).
    /// </summary>
    public bool TryStore(string key, long version, IReadOnlyList<long> shows, NpgsqlLogSequenceNumber position)
    {
        lock (_lock)
        {
            if (!_reads.TryGetValue(key, out var read) || read.Version != version)
            {
                return false;
            }

            _unknown.Remove(key);
            Unindex(key, read);
            read.Shows = shows;
            read.Floor = (ulong)position;
            read.StoredAt = clock.GetTimestamp();
            foreach (var id in shows)
            {
                if (!_readsShowing.TryGetValue(id, out var keys))
                {
                    _readsShowing[id] = keys = new(StringComparer.Ordinal);
                }

                keys.Add(key);
            }

            return true;
        }
    }

    /// <summary>
    /// Evicts what <paramref name="eviction"/> made stale, after a write at <paramref name="position"/>: the floor first, so
    /// no later fill reads before the write; the versions next, so no later request finds an entry or joins a fill from
    /// before it; then the entries themselves.
    /// </summary>
    public async ValueTask EvictAsync(CacheEviction eviction, NpgsqlLogSequenceNumber position, string source, CancellationToken cancellationToken)
    {
        var evicted = new List<string>();
        RaiseFloor(position);
        if (eviction.AllPages || eviction.FilteredPages)
        {
            // The totals change too; an update that keeps every listing where it was keeps them.
            counts.Invalidate();
        }

        lock (_lock)
        {

            // A page list the write may reorder or recount: a new version, its listings unknown until it is filled again.
            if (eviction.AllPages || eviction.FilteredPages)
            {
                foreach (var (key, read) in _reads.Where(pair => pair.Value.Page && (eviction.AllPages || pair.Value.Filtered)).ToList())
                {
                    Bump(key, read, forgetShows: true);
                    evicted.Add(key);
                }
            }

            // A read showing a listing written (an update keeps every page's listings and order), and one whose listings
            // are not known yet (its fill under way may show it): a new version.
            var showing = _unknown.ToList();
            foreach (var id in eviction.Ids)
            {
                showing.Add(ListingCachePolicy.ListingKey(id));
                showing.AddRange(_readsShowing.GetValueOrDefault(id) ?? []);
            }

            foreach (var key in showing.Distinct(StringComparer.Ordinal))
            {
                if (_reads.TryGetValue(key, out var read) && !evicted.Contains(key))
                {
                    Bump(key, read, forgetShows: false);
                    evicted.Add(key);
                }
            }
        }

        foreach (var key in evicted)
        {
            await store.EvictByTagAsync(ReadTag(key), cancellationToken);
        }

        CacheMetrics.Evicted(source);
    }

    /// <summary>Evicts every entry: writes may have gone unheard (the listener reconnected, or was down too long).</summary>
    public async ValueTask EvictAllAsync(NpgsqlLogSequenceNumber position, string source, CancellationToken cancellationToken)
    {
        RaiseFloor(position);
        counts.Invalidate();
        lock (_lock)
        {
            _reads.Clear();
            _readsShowing.Clear();
            _unknown.Clear();
        }

        await store.EvictByTagAsync(AllTag, cancellationToken);
        CacheMetrics.Evicted(source);
    }

    // A new version: no later request finds an entry or joins a fill of the old one.
    private void Bump(string key, Read read, bool forgetShows)
    {
        read.Version = ++_versions;
        read.StoredAt = null;
        read.Floor = 0;
        if (forgetShows)
        {
            Unindex(key, read);
            read.Shows = null;
            _unknown.Add(key);
        }
    }

    private void Unindex(string key, Read read)
    {
        foreach (var id in read.Shows ?? [])
        {
            if (_readsShowing.TryGetValue(id, out var keys) && keys.Remove(key) && keys.Count == 0)
            {
                _readsShowing.Remove(id);
            }
        }
    }

    private void Forget()
    {
        _reads.Clear();
        _readsShowing.Clear();
        _unknown.Clear();
        _ = store.EvictByTagAsync(AllTag, CancellationToken.None);
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

    private sealed class Read(long version, bool page, bool filtered)
    {
        public long Version { get; set; } = version;

        public bool Page { get; } = page;

        public bool Filtered { get; } = filtered;

        public IReadOnlyList<long>? Shows { get; set; }

        public ulong Floor { get; set; }

        public long? StoredAt { get; set; }
    }
}
