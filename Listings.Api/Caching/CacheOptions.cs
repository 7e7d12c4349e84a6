using System.ComponentModel.DataAnnotations;

namespace Listings.Api.Caching;

/// <summary>
/// The <c>Cache</c> settings: the public reads' cache (ASP.NET Core Output Caching), emptied by every write on every API
/// replica (<c>docs/api.md</c>, "Cached reads").
/// </summary>
public sealed class CacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cache";

    /// <summary>When false, every read asks the database. The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long an entry lives when no write evicts it sooner, in seconds. The default value is 60: Output Caching's own
    /// default; writes evict what they change, so the bound only returns memory.
    /// </summary>
    [Range(1, 86_400)]
    public int TimeToLiveSeconds { get; set; } = 60;

    /// <summary>
    /// While this replica's listener has not confirmed for this long that it hears the other replicas' writes (it is down,
    /// or its connection hangs), no entry older than this is served, in seconds. The default value is 1; the listener
    /// confirms every <see cref="CacheInvalidationListener.Heartbeat"/>.
    /// </summary>
    [Range(1, 60)]
    public int MaxStaleSeconds { get; set; } = 1;
}
