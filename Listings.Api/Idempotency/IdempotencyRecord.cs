namespace Listings.Api.Idempotency;

/// <summary>
/// The remembered outcome of a write sent with an <c>Idempotency-Key</c>: stored in the same transaction as the write,
/// so a write and its record exist together or not at all.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>The user who sent the key: keys are per user, so two users' keys never meet.</summary>
    public Guid OwnerId { get; set; }

    /// <summary>The client's key.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Method, path and a hash of the body: the same key must come with the same request.</summary>
    public string Fingerprint { get; set; } = string.Empty;

    /// <summary>The status code of the first answer (201 or 200).</summary>
    public int StatusCode { get; set; }

    /// <summary>The <c>Location</c> of the first answer, for a creation.</summary>
    public string? Location { get; set; }

    /// <summary>The JSON body of the first answer.</summary>
    public string ResponseBody { get; set; } = string.Empty;

    /// <summary>When the write happened.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
