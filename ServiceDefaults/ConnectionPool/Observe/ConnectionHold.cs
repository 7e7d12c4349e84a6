using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>A connection taken from the pool and not yet returned, and who took it.</summary>
public sealed class ConnectionHold
{
    private readonly long _openedAt = Stopwatch.GetTimestamp();
    private int _reported;

    /// <summary>The route that took it, e.g. <c>GET /api/v1/listings/{id}</c>, or <c>(no request)</c>.</summary>
    public required string Route { get; init; }

    /// <summary>The trace id of the work that took it, or null.</summary>
    public string? TraceId { get; init; }

    /// <summary>How long it has been held, in milliseconds.</summary>
    public long HeldMs => (long)Stopwatch.GetElapsedTime(_openedAt).TotalMilliseconds;

    /// <summary>How long it has been held.</summary>
    [JsonIgnore]
    public TimeSpan Held => Stopwatch.GetElapsedTime(_openedAt);

    internal bool ClaimReport() => Interlocked.Exchange(ref _reported, 1) == 0;
}
