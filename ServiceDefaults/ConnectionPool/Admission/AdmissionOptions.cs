namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Admission control in front of database work, bound from the <c>Admission</c> section when
/// the service is built (<see cref="AdmissionOptionsValidator"/>).
/// A request runs when one of <see cref="MaxConcurrency"/> slots is free, otherwise waits as long as it can still start
/// within <see cref="QueueTimeoutMilliseconds"/>, and past that bound is answered 503 with <c>Retry-After</c>.
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

    /// <summary>
    /// The most requests that may wait for a slot: a bound on memory, not the admission rule (the waiting time is).
    /// The default value is 10,000.
    /// </summary>
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>
    /// The longest a request waits for a slot before it is answered 503, in milliseconds. The default value is 500:
    /// with a small pool saturated, a slot frees every few milliseconds, so a longer wait only means the service is
    /// past its capacity and the client should come back.
    /// </summary>
    public int QueueTimeoutMilliseconds { get; set; } = 500;

    /// <summary>
    /// The largest <c>Retry-After</c> sent with a 503, in seconds; below it the gate sends its estimate of when capacity
    /// frees up (the queue ahead at the rate slots were freed over the last second). The default value is 30.
    /// </summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;
}
