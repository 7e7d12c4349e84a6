using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Listings.Tests.Infrastructure;

/// <summary>Tokens the API must refuse, built by hand: an attacker is not limited to what <c>AccessTokens.Mint</c> makes.</summary>
public static class ForgedTokens
{
    /// <summary>A token with the given header algorithm and payload, signed with HMAC over <paramref name="secret"/> (unsigned for <c>none</c>).</summary>
    public static string Create(string algorithm, string secret, object payload)
    {
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT" }));
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        var input = Encoding.ASCII.GetBytes($"{header}.{body}");
        var key = Encoding.UTF8.GetBytes(secret);
        var signature = algorithm switch
        {
            "none" => [],
            "HS256" => HMACSHA256.HashData(key, input),
            "HS384" => HMACSHA384.HashData(key, input),
            "HS512" => HMACSHA512.HashData(key, input),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not a forging algorithm here."),
        };

        return $"{header}.{body}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>A Supabase-shaped payload for <paramref name="subject"/>, valid for an hour from now.</summary>
    public static Dictionary<string, object> Payload(object subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["aud"] = "authenticated",
            ["role"] = "authenticated",
            ["iat"] = now,
            ["exp"] = now + 3600,
        };
    }
}
