using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.Api.Auth;

/// <summary>
/// Reports the Supabase project's signing keys: how many, how old, the last fetch error; asking fetches them when due. A
/// failed fetch is Degraded, never Unhealthy: cached keys, HS256 tokens and reads keep working, and the endpoint's outage
/// is not this replica's to fix.
/// </summary>
internal sealed class SigningKeysHealthCheck(SupabaseSigningKeys signingKeys, TimeProvider clock) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "supabase-signing-keys";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (signingKeys.Manager is null)
        {
            return HealthCheckResult.Healthy("Auth:SupabaseUrl is not set: only HS256 tokens (Auth:JwtSecret) are accepted");
        }

        try
        {
            await signingKeys.Manager.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // No keys yet: the status below says why.
        }

        var status = signingKeys.Status;
        var now = clock.GetUtcNow();
        var data = new Dictionary<string, object>
        {
            ["keys"] = status.KeyCount,
            ["ageSeconds"] = status.FetchedAt is { } fetchedAt ? (long)(now - fetchedAt).TotalSeconds : -1,
        };
        if (status.LastError is { } error)
        {
            data["lastRefreshError"] = error;
            data["lastRefreshErrorAgeSeconds"] = (long)(now - status.LastErrorAt!.Value).TotalSeconds;
        }

        return (status.FetchedAt, status.LastError) switch
        {
            (null, null) => HealthCheckResult.Degraded("The signing keys have not been fetched yet", data: data),
            (null, _) => HealthCheckResult.Degraded(
                "The signing keys could not be fetched and none are cached: ES256/RS256 tokens are refused until they are", data: data),
            (_, null) => HealthCheckResult.Healthy($"{status.KeyCount} signing keys", data),
            _ => HealthCheckResult.Degraded($"The last refresh failed; the {status.KeyCount} cached signing keys are in use", data: data),
        };
    }
}
