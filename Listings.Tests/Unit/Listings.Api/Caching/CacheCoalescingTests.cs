using System.Collections.Concurrent;
using Listings.Api.Caching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NpgsqlTypes;

namespace Listings.Tests.Unit.Listings.Api.Caching;

/// <summary>
/// Output Caching coalesces requests by key: with <see cref="ListingCachePolicy"/> a request that comes after a write
/// never waits for a fill that began before it, and that fill is not stored. Kestrel and Output Caching are real; the
/// database read is a handler the test holds open.
/// </summary>
public sealed class CacheCoalescingTests
{
    [Fact]
    public async Task AReadAfterAWriteNeverWaitsForAFillThatBeganBeforeIt()
    {
        var site = await Site.StartAsync();
        await using var _ = site;

        // A fill of listing 1 begins while the data is version 0, and is held.
        var before = site.Client.GetStringAsync("/listings/1");
        var held = await site.NextCallAsync();
        Assert.Equal("v0", held.Data);

        // A write changes listing 1 and evicts before it answers; a read sent after that has a fill of its own.
        site.Data = "v1";
        await site.Cache.EvictAsync(CacheEviction.Updated(1, filtersChanged: false), new NpgsqlLogSequenceNumber(2), "local", CancellationToken.None);
        var after = site.Client.GetStringAsync("/listings/1");
        var own = await site.NextCallAsync();
        Assert.Equal("v1", own.Data);

        held.Release.SetResult();
        own.Release.SetResult();
        Assert.Equal("v0", await before);
        Assert.Equal("v1", await after);

        // The fill from before the write was not stored: the next read is served version 1, from the cache.
        Assert.Equal("v1", await site.Client.GetStringAsync("/listings/1"));
        Assert.False(site.Calls.Reader.TryRead(out var extra), $"a third fill ran: {extra?.Data}");
    }

    [Fact]
    public async Task ReadsThatComeWhileAFillRunsShareIt()
    {
        var site = await Site.StartAsync();
        await using var _ = site;

        var reads = Enumerable.Range(0, 5).Select(_ => site.Client.GetStringAsync("/listings/7")).ToList();
        var fill = await site.NextCallAsync();
        await Task.Delay(200);
        fill.Release.SetResult();

        Assert.All(await Task.WhenAll(reads), body => Assert.Equal("v0", body));
        Assert.False(site.Calls.Reader.TryRead(out var extra), $"a second fill ran: {extra?.Data}");
    }

    private sealed record Call(string Data, TaskCompletionSource Release);

    private sealed class Site : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public System.Threading.Channels.Channel<Call> Calls { get; } = System.Threading.Channels.Channel.CreateUnbounded<Call>();

        public ListingCache Cache => _app.Services.GetRequiredService<ListingCache>();

        public HttpClient Client { get; private set; } = null!;

        public volatile string Data = "v0";

        // The handler's next call; a request that never reaches it fails the test instead of hanging it.
        public async Task<Call> NextCallAsync() => await Calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        public static async Task<Site> StartAsync()
        {
            var site = new Site();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton(TimeProvider.System);
            // Entries younger than MaxStaleSeconds are served without a listener: long enough for any machine.
            builder.Services.AddSingleton(new CacheOptions { MaxStaleSeconds = 60 });
            builder.Services.AddSingleton<global::Listings.Api.Listings.ListingCountCache>();
            builder.Services.AddSingleton<ListingCache>();
            builder.Services.AddSingleton<ListenerState>();
            builder.Services.AddSingleton<ListingCachePolicy>();
            builder.Services.AddOutputCache();
            var app = site._app = builder.Build();
            app.UseOutputCache();

            // What ListingReads does for a fill: the position read at and the listings shown, then the answer.
            app.MapGet("/listings/{id}", async (long id, HttpContext http) =>
            {
                var call = new Call(site.Data, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                await site.Calls.Writer.WriteAsync(call);
                await call.Release.Task;
                http.Items[ListingCachePolicy.ReadFloorItem] = new NpgsqlLogSequenceNumber(1);
                http.Items[ListingCachePolicy.ShowsItem] = new long[] { id };
                return Results.Text(call.Data);
            }).CacheListingReads();

            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            site.Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            return site;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
