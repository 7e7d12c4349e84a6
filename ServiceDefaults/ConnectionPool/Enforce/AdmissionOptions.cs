namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Admission control in front of database work, bound from the <c>Admission</c> section and validated at start.
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

    /// <summary>The problems with these options, each naming its key; empty when there are none.</summary>
    public List<string> Check()
    {
        var failures = new List<string>();
        if (MaxConcurrency is < 1 or > 10_000)
        {
            failures.Add($"{SectionName}:MaxConcurrency is {MaxConcurrency}: use a whole number from 1 to 10000, or leave it unset to use the pool's Maximum Pool Size.");
        }

        if (QueueLimit is < 0 or > 1_000_000)
        {
            failures.Add($"{SectionName}:QueueLimit is {QueueLimit}: use a whole number from 0 to 1000000 (0: no queue, answer 503 at once).");
        }

        if (QueueTimeoutMilliseconds is < 1 or > 60_000)
        {
            failures.Add($"{SectionName}:QueueTimeoutMilliseconds is {QueueTimeoutMilliseconds}: use 1 to 60000.");
        }

        if (RetryAfterSeconds is < 1 or > 3_600)
        {
            failures.Add($"{SectionName}:RetryAfterSeconds is {RetryAfterSeconds}: use 1 to 3600.");
        }

        return failures;
    }
}
