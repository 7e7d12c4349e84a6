using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.Api.Auth;

/// <summary>
/// Reports the Supabase project's signing keys: how many, how old, and the last fetch error. Asking for them also
/// fetches them when they are due, so the probes keep the key set fresh when no token has asked for a while. A failed
/// fetch is Degraded, never Unhealthy: with keys cached, tokens keep working; without, HS256 tokens and reads still do,
/// and the endpoint's outage is not this replica's to fix.
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
