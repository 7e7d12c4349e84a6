using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>One connection taken from the pool and not yet returned: who took it (the HTTP route and trace id) and when.</summary>
public sealed class ConnectionHold
{
    private readonly long _openedAt = Stopwatch.GetTimestamp();
    private int _reported;

    /// <summary>The request that took it, e.g. <c>GET /api/v1/listings/{id}</c>, or <c>(no request)</c> for background work.</summary>
    public required string Route { get; init; }

    /// <summary>The W3C trace id of the work that took it, or null outside a trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>How long it has been held, in whole milliseconds.</summary>
    public long HeldMs => (long)Stopwatch.GetElapsedTime(_openedAt).TotalMilliseconds;

    /// <summary>How long it has been held.</summary>
    [JsonIgnore]
    public TimeSpan Held => Stopwatch.GetElapsedTime(_openedAt);

    /// <summary>True the first time only: a long hold is reported once.</summary>
    internal bool ClaimReport() => Interlocked.Exchange(ref _reported, 1) == 0;
}
