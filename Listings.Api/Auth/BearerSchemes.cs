using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Listings.Api.Auth;

/// <summary>
/// The two ways a bearer token is verified, one JWT handler each, chosen by the token's <c>alg</c>: HS256 only ever meets
/// the secret, ES256 and RS256 only the project's public keys, so a token signed HS256 with a public key as its "secret"
/// has no key to verify against.
/// </summary>
internal static class BearerSchemes
{
    /// <summary>The default scheme: forwards authentication and challenges to <see cref="Secret"/> or <see cref="SigningKeys"/>.</summary>
    public const string Default = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>HS256 tokens, verified with <c>Auth:JwtSecret</c>.</summary>
    public const string Secret = Default + ".Secret";

    /// <summary>ES256 and RS256 tokens, verified with the signing keys of <c>Auth:SupabaseUrl</c>.</summary>
    public const string SigningKeys = Default + ".SigningKeys";

    /// <summary>The algorithms <see cref="Secret"/> accepts.</summary>
    public static readonly string[] SecretAlgorithms = [SecurityAlgorithms.HmacSha256];

    /// <summary>The algorithms <see cref="SigningKeys"/> accepts: those Supabase's JWT signing keys use.</summary>
    public static readonly string[] SigningKeyAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256];

    /// <summary>
    /// The scheme for the request's token: the configured one whose algorithms include its <c>alg</c>, else the configured
    /// one, which refuses the token.
    /// </summary>
    public static string Select(HttpContext context, JwtAuthOptions settings)
    {
        var hasSecret = !string.IsNullOrWhiteSpace(settings.JwtSecret);
        var hasSigningKeys = !string.IsNullOrWhiteSpace(settings.SupabaseUrl);
        var algorithm = Algorithm(context.Request);
        return (hasSecret, hasSigningKeys) switch
        {
            (true, true) => SigningKeyAlgorithms.Contains(algorithm) ? SigningKeys : Secret,
            (false, true) => SigningKeys,
            _ => Secret,
        };
    }

    /// <summary>The <c>alg</c> in the header of the request's bearer token; null without a readable one.</summary>
    public static string? Algorithm(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        if (!authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return new JsonWebToken(authorization[Prefix.Length..].Trim()).Alg;
        }
        catch (ArgumentException)
        {
            // Not a JWT (SecurityTokenMalformedException is one): the handler says so.
            return null;
        }
    }

    /// <summary>What a token must be signed with, for a 401's detail.</summary>
    public static string Accepted(JwtAuthOptions settings)
    {
        const string BySecret = "HS256, signed with this service's JWT secret";
        const string ByKeys = "ES256 or RS256, signed with one of the Supabase project's signing keys";
        return (string.IsNullOrWhiteSpace(settings.JwtSecret), string.IsNullOrWhiteSpace(settings.SupabaseUrl)) switch
        {
            (false, false) => $"{BySecret}, or {ByKeys}",
            (true, false) => ByKeys,
            _ => BySecret,
        };
    }
}
