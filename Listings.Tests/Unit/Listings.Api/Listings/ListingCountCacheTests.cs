using Listings.Api.Listings;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit;

public sealed class ListingCountCacheTests
{
    private static readonly ListingQuery Query = new(1, 20, "Lyon", null, null);

    [Fact]
    public async Task CountIsServedFromTheCacheUntilAWriteClearsIt()
    {
        var cache = new ListingCountCache(TimeProvider.System);
        var counted = 0;

        await cache.GetOrCountAsync(Query, _ => Task.FromResult(++counted), CancellationToken.None);
        var cached = await cache.GetOrCountAsync(Query, _ => Task.FromResult(++counted), CancellationToken.None);
        cache.Invalidate();
        var recounted = await cache.GetOrCountAsync(Query, _ => Task.FromResult(++counted), CancellationToken.None);

        Assert.Equal(1, cached);
        Assert.Equal(2, recounted);
    }

    [Fact]
    public async Task ACountThatStartedBeforeAWriteIsNotKeptAfterIt()
    {
        var cache = new ListingCountCache(TimeProvider.System);
        var release = new TaskCompletionSource<int>();

        var stale = cache.GetOrCountAsync(Query, _ => release.Task, CancellationToken.None);
        cache.Invalidate();
        release.SetResult(10);
        await stale;
        var after = await cache.GetOrCountAsync(Query, _ => Task.FromResult(11), CancellationToken.None);

        Assert.Equal(11, after);
    }

    [Fact]
    public async Task ConcurrentCallersShareOneCount()
    {
        var cache = new ListingCountCache(TimeProvider.System);
        var release = new TaskCompletionSource<int>();
        var counted = 0;
        Task<int> Count(CancellationToken _)
        {
            Interlocked.Increment(ref counted);
            return release.Task;
        }

        var callers = Enumerable.Range(0, 100).Select(_ => cache.GetOrCountAsync(Query, Count, CancellationToken.None)).ToList();
        release.SetResult(42);
        var totals = await Task.WhenAll(callers);

        Assert.Equal(1, counted);
        Assert.All(totals, total => Assert.Equal(42, total));
    }

    [Fact]
    public async Task AnExpiredCountIsServedWhileItsRefreshRuns()
    {
        var clock = new FixedClock(DateTimeOffset.UnixEpoch);
        var cache = new ListingCountCache(clock);
        await cache.GetOrCountAsync(Query, _ => Task.FromResult(7), CancellationToken.None);
        clock.Advance(ListingCountCache.Lifetime);
        var release = new TaskCompletionSource<int>();
        var counted = 0;
        Task<int> Count(CancellationToken _)
        {
            Interlocked.Increment(ref counted);
            return release.Task;
        }

        var refresh = cache.GetOrCountAsync(Query, Count, CancellationToken.None);
        var meanwhile = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => cache.GetOrCountAsync(Query, Count, CancellationToken.None)));
        release.SetResult(8);

        Assert.All(meanwhile, total => Assert.Equal(7, total));
        Assert.Equal(8, await refresh);
        Assert.Equal(1, counted);
        Assert.Equal(8, await cache.GetOrCountAsync(Query, Count, CancellationToken.None));
    }

    [Fact]
    public async Task WaitersCountThemselvesWhenTheRequestThatCountedIsCancelled()
    {
        var cache = new ListingCountCache(TimeProvider.System);
        using var leaderAborted = new CancellationTokenSource();
        var leaderCount = new TaskCompletionSource<int>();
        var leader = cache.GetOrCountAsync(Query, _ => leaderCount.Task, leaderAborted.Token);
        var waiter = cache.GetOrCountAsync(Query, _ => Task.FromResult(5), CancellationToken.None);

        leaderCount.SetCanceled(leaderAborted.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        Assert.Equal(5, await waiter);
    }
}
