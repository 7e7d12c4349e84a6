using System.Net;

namespace Listings.Api.Auth;

/// <summary>The addresses Supabase Auth publishes under a project's URL (<c>Auth:SupabaseUrl</c>).</summary>
public static class SupabaseAuthUrls
{
    /// <summary>The issuer (<c>iss</c>) of the project's tokens: <c>&lt;project URL&gt;/auth/v1</c>.</summary>
    public static string Issuer(string projectUrl) => projectUrl.TrimEnd('/') + "/auth/v1";

    /// <summary>The project's public signing keys: <c>&lt;project URL&gt;/auth/v1/.well-known/jwks.json</c>.</summary>
    public static string SigningKeys(string projectUrl) => Issuer(projectUrl) + "/.well-known/jwks.json";

    /// <summary>
    /// What is wrong with <paramref name="projectUrl"/> as a project URL, or null: it must be <c>https://</c>, or
    /// <c>http://</c> for a loopback host, so no one can change the keys in transit.
    /// </summary>
    public static string? Check(string projectUrl)
    {
        const string Fix = "set the project's URL, https://<project-ref>.supabase.co (Project Settings > API > Project URL);"
            + " http:// only for a loopback host such as a local Supabase at http://127.0.0.1:54321.";
        if (!Uri.TryCreate(projectUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"{JwtAuthOptions.SupabaseUrlKey} is '{projectUrl}', not an http(s) URL: {Fix}";
        }

        if (url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0)
        {
            return $"{JwtAuthOptions.SupabaseUrlKey} is '{url.GetLeftPart(UriPartial.Authority)}...' with a query, fragment or user: {Fix}";
        }

        return url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url)
            ? $"{JwtAuthOptions.SupabaseUrlKey} is '{projectUrl}': http:// is accepted only for a loopback host (the signing"
                + $" keys must not be open to change in transit); {Fix}"
            : null;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
