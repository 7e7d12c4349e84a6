using System.Buffers.Binary;
using System.Buffers.Text;
using Microsoft.AspNetCore.WebUtilities;
using NpgsqlTypes;

namespace Listings.Api.Consistency;

/// <summary>
/// The <c>Listings-Consistency</c> header: every successful write answers with a token for the primary's WAL position
/// after its commit; a read that sends it back is answered only from a host that has replayed that position
/// (<c>docs/api.md</c>, "What a read may show"). The token is opaque to clients: 11 base64url characters.
/// </summary>
public static class ConsistencyToken
{
    /// <summary>The header's name, on write answers and on reads.</summary>
    public const string HeaderName = "Listings-Consistency";

    /// <summary>The validation message for a malformed token.</summary>
    public const string Rule = "The Listings-Consistency header must be a single token exactly as a write's answer gave it.";

    private const int TokenLength = 11;

    /// <summary>The token for <paramref name="position"/>.</summary>
    public static string Format(NpgsqlLogSequenceNumber position)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)position);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    /// <summary>Reads the header: null when absent; false when present but malformed.</summary>
    public static bool TryRead(HttpRequest request, out NpgsqlLogSequenceNumber? position)
    {
        position = null;
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return true;
        }

        if (values.Count != 1 || values[0] is not { Length: TokenLength } token)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        try
        {
            // Throws on a character outside base64url, where a Try method might be expected to return false.
            if (!Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != sizeof(ulong))
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        var read = new NpgsqlLogSequenceNumber(BinaryPrimitives.ReadUInt64BigEndian(bytes));

        // One spelling per position: a token that does not read back the same was not made by Format.
        if (Format(read) != token)
        {
            return false;
        }

        position = read;
        return true;
    }
}
