using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Listings.Benchmarks.Faults.Load;

/// <summary>
/// Mints the HS256 JWT the API asks of writers (<c>Authorization: Bearer</c>), signed with the secret the harness
/// gives the API in <c>Auth__JwtSecret</c>. Claims as Supabase issues them: <c>sub</c>, <c>aud</c> and <c>role</c>
/// "authenticated", <c>iat</c>, <c>exp</c>. An API that does not check tokens ignores the header.
/// </summary>
public static class BearerToken
{
    /// <summary>The environment variable the API reads its signing secret from.</summary>
    public const string SecretVariable = "Auth__JwtSecret";

    /// <summary>Creates a random secret of 48 letters and digits (the API wants at least 32 characters).</summary>
    public static string NewSecret() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);

    /// <summary>Mints a token for a new random user, valid for <paramref name="lifetime"/>.</summary>
    /// <param name="secret">The HS256 secret.</param>
    /// <param name="lifetime">How long the token is valid.</param>
    public static string Mint(string secret, TimeSpan lifetime) => Mint(secret, lifetime, Guid.NewGuid());

    /// <summary>Mints a token for the user <paramref name="subject"/>, valid for <paramref name="lifetime"/>.</summary>
    /// <param name="secret">The HS256 secret.</param>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <param name="subject">The user id (<c>sub</c>), e.g. the seed's owner to change seeded listings.</param>
    public static string Mint(string secret, TimeSpan lifetime, Guid subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub = subject.ToString(),
            aud = "authenticated",
            role = "authenticated",
            iat = now,
            exp = now + (long)lifetime.TotalSeconds,
        }));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Encode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
