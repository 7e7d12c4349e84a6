using Microsoft.AspNetCore.OutputCaching;
using OpenTelemetry.Metrics;

namespace Listings.Api.Caching;

/// <summary>
/// The public reads' cache: ASP.NET Core Output Caching (its memory store, tags, per-key locking for coalescing, and 304
/// for a current <c>If-None-Match</c>), with <see cref="ListingCachePolicy"/> deciding keys, tags and bypasses, writes
/// evicting what they change here (<see cref="ListingCache"/>) and on every other replica (<see cref="CacheInvalidationListener"/>).
/// </summary>
public static class CacheExtensions
{
    /// <summary>Reads <see cref="CacheOptions"/> now and registers the cache, its listener and its metrics.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is wrong; the message names it.</exception>
    public static void AddListingCache(this IHostApplicationBuilder builder)
    {
        var options = builder.BindSettingsNow(CacheOptions.SectionName, new CacheOptionsValidator());
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ListingCache>();
        builder.Services.AddSingleton<ListenerState>();
        builder.Services.AddSingleton<ListingCachePolicy>();
        builder.Services.AddOutputCache(cache => cache.DefaultExpirationTimeSpan = TimeSpan.FromSeconds(options.TimeToLiveSeconds));
        if (!options.Enabled)
        {
            return;
        }

        builder.Services.AddHostedService<CacheInvalidationListener>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(CacheMetrics.MeterName));
    }

    /// <summary>
    /// Caches the endpoint's answers under <see cref="ListingCachePolicy"/>, after Output Caching's default policy, and
    /// documents its conditional requests (<c>If-None-Match</c>, <c>ETag</c>, 304).
    /// </summary>
    public static RouteHandlerBuilder CacheListingReads(this RouteHandlerBuilder endpoint) => endpoint
        .CacheOutput(policy => policy.AddPolicy<ListingCachePolicy>())
        .AddOpenApiOperationTransformer(CachedReadsOpenApi.Describe);
}
