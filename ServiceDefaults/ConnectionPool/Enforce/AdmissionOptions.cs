namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Admission control in front of database work, bound from the <c>Admission</c> section when
/// the service is built (<see cref="AdmissionOptionsValidator"/>).
/// A request runs when one of <see cref="MaxConcurrency"/> slots is free, waits in a bounded queue for at most
/// <see cref="QueueTimeoutMilliseconds"/> otherwise, and past either bound is answered 503 with <c>Retry-After</c> at once.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Admission";

    /// <summary>When false, requests go straight to the pool (and wait there up to its <c>Timeout</c>). The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Requests doing database work at once. The default value is null: the pool's <c>Maximum Pool Size</c>, so
    /// admitted requests never wait for a connection and the rest wait here, in order, where the wait is bounded.
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Requests that may wait for a slot. The default value is null: ten times <see cref="MaxConcurrency"/>.</summary>
    public int? QueueLimit { get; set; }

    /// <summary>
    /// The longest a request waits for a slot before it is answered 503, in milliseconds. The default value is 500:
    /// with a small pool saturated, a slot frees every few milliseconds, so a longer wait only means the service is
    /// past its capacity and the client should come back.
    /// </summary>
    public int QueueTimeoutMilliseconds { get; set; } = 500;

    /// <summary>The <c>Retry-After</c> seconds sent with a 503. The default value is 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
