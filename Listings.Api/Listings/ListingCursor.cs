using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Listings.Api.Listings;

/// <summary>
/// A position in the list order (<c>created_at DESC, id DESC</c>): the last listing a client has seen. The next page is
/// an index seek from it, as cheap deep in the list as at its start, where <c>OFFSET</c> reads and drops every row before
/// the page. Opaque to clients: base64url of <c>&lt;unix microseconds&gt;.&lt;id&gt;</c>.
/// </summary>
/// <param name="CreatedAt">The last listing's creation time.</param>
/// <param name="Id">The last listing's id.</param>
public sealed record ListingCursor(DateTimeOffset CreatedAt, long Id)
{
    /// <summary>The cursor after <paramref name="listing"/>.</summary>
    public static ListingCursor After(ListingResponse listing) => new(listing.CreatedAt, listing.Id);

    /// <summary>The opaque form clients pass back as <c>cursor</c>.</summary>
    public string Encode()
    {
        var microseconds = (CreatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{microseconds}.{Id}")));
    }

    /// <summary>Reads a cursor made by <see cref="Encode"/>; false for anything else.</summary>
    public static bool TryDecode(string? text, out ListingCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(bytes).Split('.');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var microseconds)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || microseconds is < -62_135_596_800_000_000 or > 253_402_300_799_999_999
            || id < 1)
        {
            return false;
        }

        cursor = new ListingCursor(DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond), id);
        return true;
    }
}
