using System.Collections.Concurrent;

namespace Listings.Api.Listings;

/// <summary>
/// Keeps the total count of each filter combination for two seconds. Under load every client asks for page 1; counting
/// the table for each would double the database work for a number nobody needs to the millisecond. This replica's own
/// writes clear the cache at once; another replica's writes show within <see cref="Lifetime"/>.
/// </summary>
public sealed class ListingCountCache(TimeProvider clock)
{
    /// <summary>How long a count is served from the cache.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    // Bounded by construction: filters are validated (city ≤ 100 characters) and the map is cleared on every write
    // and whenever it grows past this size, so a client cycling through filters cannot grow it without limit.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string? City, decimal? MinPrice, decimal? MaxPrice), (int Count, DateTimeOffset At)> _counts = new();

    // Bumped by every write: a count that started before a write must not be stored after it.
    private long _generation;

    /// <summary>The cached count for the filters of <paramref name="query"/>, or counts it with <paramref name="count"/>.</summary>
    public async Task<int> GetOrCountAsync(ListingQuery query, Func<CancellationToken, Task<int>> count, CancellationToken cancellationToken)
    {
        var key = (query.City, query.MinPrice, query.MaxPrice);
        var now = clock.GetUtcNow();
        if (_counts.TryGetValue(key, out var cached) && now - cached.At < Lifetime)
        {
            return cached.Count;
        }

        var generation = Interlocked.Read(ref _generation);
        var total = await count(cancellationToken);
        if (_counts.Count >= MaxEntries)
        {
            _counts.Clear();
        }

        if (Interlocked.Read(ref _generation) == generation)
        {
            _counts[key] = (total, now);
        }

        return total;
    }

    /// <summary>Forgets every count: called after this replica creates, changes or deletes a listing.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _counts.Clear();
    }
}
