using System.Text;
using Microsoft.Extensions.Options;

namespace Listings.Api.Auth;

/// <summary>
/// Rejects <see cref="JwtAuthOptions"/> at start-up with messages that name the key and where the right value is. A
/// message never contains the secret, only its length.
/// </summary>
public sealed class JwtAuthOptionsValidator : IValidateOptions<JwtAuthOptions>
{
    private const string WhereToFindIt =
        "For Supabase, copy the project's secret from Project Settings > API > JWT secret (legacy); under the AppHost it is"
        + " the jwt-secret parameter (dotnet user-secrets list --project AppHost shows Parameters:jwt-secret).";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JwtAuthOptions options)
    {
        var failures = new List<string>();
        var hasSecret = !string.IsNullOrWhiteSpace(options.JwtSecret);
        var hasSupabaseUrl = !string.IsNullOrWhiteSpace(options.SupabaseUrl);
        if (!hasSecret && !hasSupabaseUrl)
        {
            failures.Add($"Neither {JwtAuthOptions.SupabaseUrlKey} nor {JwtAuthOptions.JwtSecretKey} is set (environment variables"
                + $" {JwtAuthOptions.SupabaseUrlVariable}, {JwtAuthOptions.JwtSecretVariable}): writes need at least one. Set"
                + $" {JwtAuthOptions.SupabaseUrlKey} to the project's URL (https://<project-ref>.supabase.co) to accept tokens signed"
                + $" with its JWT signing keys (ES256, RS256), and/or {JwtAuthOptions.JwtSecretKey} to accept tokens signed with the"
                + $" legacy HS256 secret, at least {JwtAuthOptions.MinSecretBytes} bytes. {WhereToFindIt}");
        }
        else if (hasSecret && CheckSecret(options.JwtSecret) is { } secretFailure)
        {
            failures.Add(secretFailure);
        }

        if (hasSupabaseUrl && SupabaseAuthUrls.Check(options.SupabaseUrl!) is { } urlFailure)
        {
            failures.Add(urlFailure);
        }

        if (options.JwksRefreshIntervalSeconds is < JwtAuthOptions.MinJwksRefreshIntervalSeconds or > JwtAuthOptions.MaxJwksRefreshIntervalSeconds)
        {
            failures.Add($"{JwtAuthOptions.SectionName}:{nameof(JwtAuthOptions.JwksRefreshIntervalSeconds)} is {options.JwksRefreshIntervalSeconds};"
                + $" use {JwtAuthOptions.MinJwksRefreshIntervalSeconds} to {JwtAuthOptions.MaxJwksRefreshIntervalSeconds}"
                + " (Supabase's edge caches the key set for 10 minutes).");
        }

        if (options.JwksMinimumRefreshSeconds is < 1 or > JwtAuthOptions.MaxJwksMinimumRefreshSeconds)
        {
            failures.Add($"{JwtAuthOptions.SectionName}:{nameof(JwtAuthOptions.JwksMinimumRefreshSeconds)} is {options.JwksMinimumRefreshSeconds};"
                + $" use 1 to {JwtAuthOptions.MaxJwksMinimumRefreshSeconds}.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{JwtAuthOptions.SectionName}:{nameof(JwtAuthOptions.Audience)} is empty; leave it unset for"
                + $" '{JwtAuthOptions.DefaultAudience}' (what Supabase Auth issues) or set the audience your tokens carry.");
        }

        if (options.Issuer is not null && !Uri.TryCreate(options.Issuer, UriKind.Absolute, out _))
        {
            failures.Add($"{JwtAuthOptions.SectionName}:{nameof(JwtAuthOptions.Issuer)} is '{options.Issuer}', not an absolute URL;"
                + " for Supabase it is https://<project-ref>.supabase.co/auth/v1, or leave it unset not to check the issuer.");
        }

        if (options.ClockSkewSeconds is < 0 or > JwtAuthOptions.MaxClockSkewSeconds)
        {
            failures.Add($"{JwtAuthOptions.SectionName}:{nameof(JwtAuthOptions.ClockSkewSeconds)} is {options.ClockSkewSeconds};"
                + $" use 0 to {JwtAuthOptions.MaxClockSkewSeconds}.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    /// <summary>What is wrong with <paramref name="secret"/> as a signing secret, or null when it will do.</summary>
    public static string? CheckSecret(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return $"{JwtAuthOptions.JwtSecretKey} is not set (environment variable {JwtAuthOptions.JwtSecretVariable}): writes need"
                + $" the secret that bearer tokens are signed with, at least {JwtAuthOptions.MinSecretBytes} bytes. {WhereToFindIt}";
        }

        var bytes = Encoding.UTF8.GetByteCount(secret);
        return bytes < JwtAuthOptions.MinSecretBytes
            ? $"{JwtAuthOptions.JwtSecretKey} (environment variable {JwtAuthOptions.JwtSecretVariable}) is {bytes} bytes long;"
                + $" an HS256 secret must be at least {JwtAuthOptions.MinSecretBytes}. {WhereToFindIt}"
            : null;
    }
}
