namespace Listings.Benchmarks.Faults.Load;

/// <summary>What a request of the mixed load asks for.</summary>
public enum RequestKind
{
    /// <summary>A page of the list: <c>GET /api/v1/listings?page=n</c>, a safe read.</summary>
    List,

    /// <summary>One listing by id: <c>GET /api/v1/listings/{id}</c>, a safe read.</summary>
    Get,

    /// <summary>A creation, <c>POST /api/v1/listings</c> with an <c>Idempotency-Key</c>.</summary>
    Create,
}
