using Listings.Api.Listings;

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
}
