namespace Listings.Api.Auth;

/// <summary>The state of the signing key set, as <c>/health</c> and a 401 describe it.</summary>
/// <param name="KeyCount">How many ES256/RS256 keys the last good fetch gave.</param>
/// <param name="FetchedAt">When the last good fetch was; null before the first.</param>
/// <param name="LastError">Why the last fetch failed, in words that quote no answer; null when it did not fail.</param>
/// <param name="LastErrorAt">When the last fetch failed; null when it did not fail.</param>
internal sealed record SigningKeySetStatus(int KeyCount, DateTimeOffset? FetchedAt, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>Before the first fetch.</summary>
    public static readonly SigningKeySetStatus NeverFetched = new(0, null, null, null);
}
