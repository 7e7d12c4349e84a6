namespace Listings.Benchmarks.Faults.Load;

/// <summary>How the client's write under one <c>Idempotency-Key</c> ended, over all its tries.</summary>
/// <param name="Key">The key, also written into the listing's title.</param>
/// <param name="Attempts">How many times the request was sent.</param>
/// <param name="Acknowledged">True when a try was answered 201 (or 200, a replay): the client holds the listing as stored.</param>
/// <param name="ListingId">The id the acknowledging answer carried.</param>
/// <param name="FinalOutcome">The last try's outcome (status, <c>timeout</c> or <c>connection error</c>).</param>
/// <param name="Rejected">True when the client stopped because the API refused the request (a 4xx that no retry can change).</param>
public sealed record WriteRecord(string Key, int Attempts, bool Acknowledged, long? ListingId, string FinalOutcome, bool Rejected);
