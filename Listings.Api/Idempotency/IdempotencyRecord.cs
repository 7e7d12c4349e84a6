namespace Listings.Api.Idempotency;

/// <summary>The remembered answer of a write with an <c>Idempotency-Key</c>, stored in the write's transaction.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>The user who sent the key: keys are per user.</summary>
    public Guid OwnerId { get; set; }

    /// <summary>The client's key.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Method, path and a hash of the body: the same key must come with the same request.</summary>
    public string Fingerprint { get; set; } = string.Empty;

    /// <summary>The first write's answer as JSON, replayed to a repeat.</summary>
    public string ResponseBody { get; set; } = string.Empty;

    /// <summary>When the write happened.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
