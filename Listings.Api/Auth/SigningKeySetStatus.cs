namespace Listings.Api.Auth;

/// <summary>The state of the signing key set, as <c>/health</c> and a 401 describe it.</summary>
/// <param name="KeyCount">ES256/RS256 keys in the last good fetch.</param>
/// <param name="FetchedAt">When the last good fetch was; null before the first.</param>
/// <param name="LastError">Why the last fetch failed, quoting no answer; null when it did not.</param>
/// <param name="LastErrorAt">When the last fetch failed; null when it did not.</param>
internal sealed record SigningKeySetStatus(int KeyCount, DateTimeOffset? FetchedAt, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>Before the first fetch.</summary>
    public static readonly SigningKeySetStatus NeverFetched = new(0, null, null, null);
}
