namespace Listings.Api.FairShare;

/// <summary>
/// The <c>FairShare</c> settings: how many requests of one client the listings endpoints take at once, so one client
/// cannot fill the admission queue that every client shares.
/// </summary>
public sealed class FairShareOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "FairShare";

    /// <summary>When false, every client may send any number of requests at once. The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The requests one client may have in progress at once; the next one is answered 429. A client is the token's user for
    /// a signed-in request, the remote address otherwise. The default value is 64: a browser opens at most 6 connections
    /// to a host over HTTP/1.1 and sends a handful of requests at once over HTTP/2, far below it.
    /// </summary>
    public int PermitLimit { get; set; } = 64;

    /// <summary>The <c>Retry-After</c> of a 429, in seconds. The default value is 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// The proxies (IP addresses, or networks as <c>address/prefix</c>) whose <c>X-Forwarded-For</c> names the client.
    /// The default value is empty: the remote address is the client, and a forwarded header is never believed (anyone
    /// can send one).
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
