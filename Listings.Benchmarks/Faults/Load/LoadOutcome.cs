namespace Listings.Benchmarks.Faults.Load;

/// <summary>Everything a mixed load sent and how each write ended.</summary>
/// <param name="Requests">Every request, every retry included, in no particular order.</param>
/// <param name="Writes">One record per <c>Idempotency-Key</c>.</param>
public sealed record LoadOutcome(IReadOnlyList<RequestRecord> Requests, IReadOnlyList<WriteRecord> Writes);
