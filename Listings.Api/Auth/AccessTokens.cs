using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Listings.Api.Auth;

/// <summary>
/// Mints access tokens in the form Supabase Auth issues to a signed-in user (HS256, <c>sub</c>, <c>aud</c>,
/// <c>role=authenticated</c>, <c>iat</c>, <c>exp</c>), for local use, tests and harnesses.
/// </summary>
public static class AccessTokens
{
    /// <summary>The role Supabase Auth gives a signed-in user.</summary>
    public const string AuthenticatedRole = "authenticated";

    private static readonly byte[] Header = JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" });

    /// <summary>
    /// Returns a compact JWT for <paramref name="userId"/> (its <c>sub</c>), signed with <paramref name="secret"/> as in
    /// <c>Auth:JwtSecret</c>, valid for <paramref name="lifetime"/>; <paramref name="clock"/> is the system clock when null.
    /// </summary>
    public static string Mint(string secret, Guid userId, TimeSpan lifetime, string audience = JwtAuthOptions.DefaultAudience, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var issuedAt = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub = userId.ToString("D"),
            aud = audience,
            role = AuthenticatedRole,
            iat = issuedAt,
            exp = issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds),
        });

        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(payload);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
