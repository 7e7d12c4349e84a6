namespace Listings.ServiceDefaults.Health;

/// <summary>
/// The <c>Drain</c> settings: how a replica stops (SIGTERM, Ctrl+C, Aspire's Stop) so a load balancer in front of several
/// drops it before it goes: readiness fails first, the replica keeps serving for <see cref="GracePeriodSeconds"/>, then
/// stops taking connections and gives the requests in progress <see cref="RequestTimeoutSeconds"/> to finish.
/// </summary>
public sealed class DrainOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Drain";

    /// <summary>
    /// How long the replica keeps serving after <c>/health</c> starts failing, in seconds, 0 to 300: at least the load
    /// balancer's probe interval times the failures it needs to drop a backend. The default value is 2, within the 6 s
    /// Aspire's Stop gives a process before it kills it; set it from your load balancer's probe when deploying.
    /// </summary>
    public int GracePeriodSeconds { get; set; } = 2;

    /// <summary>
    /// How long the requests in progress get to finish once the replica stops taking connections, in seconds, 1 to 300.
    /// The default value is 3: longer than a request's database work may take (the statement timeout, 5 s, bounds the
    /// rare one; a page read takes milliseconds).
    /// </summary>
    public int RequestTimeoutSeconds { get; set; } = 3;
}
