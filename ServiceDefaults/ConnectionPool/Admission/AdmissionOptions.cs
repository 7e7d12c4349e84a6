namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The <c>Admission</c> settings of the <see cref="AdmissionGate"/>.</summary>
public sealed class AdmissionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Admission";

    /// <summary>When false, requests go straight to the pool (and wait there up to its <c>Timeout</c>). The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Requests doing database work at once. The default value is null: the pool's <c>Maximum Pool Size</c>, so
    /// admitted requests never wait for a connection and the rest wait here, in order, where the wait is bounded.
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>The most requests that may wait: a bound on memory, not the admission rule. The default value is 10,000.</summary>
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>
    /// The longest a request waits for a slot before it is answered 503, in milliseconds. The default value is 500:
    /// with a small pool saturated, a slot frees every few milliseconds, so a longer wait only means the service is
    /// past its capacity and the client should come back.
    /// </summary>
    public int QueueTimeoutMilliseconds { get; set; } = 500;

    /// <summary>The largest <c>Retry-After</c> sent with a 503, in seconds. The default value is 30.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;
}
