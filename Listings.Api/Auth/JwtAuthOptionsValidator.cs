using System.Text;
using Microsoft.Extensions.Options;

namespace Listings.Api.Auth;

/// <summary>
/// Rejects <see cref="JwtAuthOptions"/> at start-up with messages that name the key and say where the right value is.
/// A message never contains the secret, only its length.
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
        if (CheckSecret(options.JwtSecret) is { } secretFailure)
        {
            failures.Add(secretFailure);
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
