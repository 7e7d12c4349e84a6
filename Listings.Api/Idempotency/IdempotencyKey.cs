using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Listings.Api.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> request header: a client-chosen key that makes a <c>POST</c> or <c>PUT</c> safe to repeat.
/// A repeat gets the first answer and writes nothing, so a client that lost an answer retries without losing or
/// duplicating a listing.
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The header a replayed answer carries.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>The longest key accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>The validation message for a malformed key.</summary>
    public const string Rule = "The Idempotency-Key header must be a single value of 1 to 255 visible ASCII characters, e.g. a UUID.";

    /// <summary>A key for a write sent without one, against the service's own retries; its prefix keeps it apart.</summary>
    public static string NewServerKey() => $"server:{Guid.NewGuid():N}";

    /// <summary>Reads the key: null when absent; false when present but malformed.</summary>
    public static bool TryRead(HttpRequest request, out string? key)
    {
        key = null;
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return true;
        }

        if (values.Count != 1 || values[0] is not { Length: > 0 and <= MaxLength } value || !value.All(c => c is > ' ' and <= '~'))
        {
            return false;
        }

        key = value;
        return true;
    }

    /// <summary>What a repeat with the same key must match: method, path and a SHA-256 of the body as JSON.</summary>
    public static string Fingerprint<TBody>(HttpRequest request, TBody body) =>
        $"{request.Method} {request.Path} " + Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(body)));
}
