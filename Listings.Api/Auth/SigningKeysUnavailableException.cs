namespace Listings.Api.Auth;

/// <summary>A fetch not attempted: the last one failed less than <c>Auth:JwksMinimumRefreshSeconds</c> ago.</summary>
internal sealed class SigningKeysUnavailableException(string lastError)
    : IOException($"The signing keys were not fetched again so soon after a failure: {lastError}.");
