using Listings.Benchmarks.Faults.Load;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>Requests counted by outcome.</summary>
/// <param name="Requests">Requests sent, every retry included.</param>
/// <param name="Succeeded">Reads answered 200 and writes answered 201 or 200.</param>
/// <param name="ReadErrors">Reads not answered 200 (any status, timeout or connection error).</param>
/// <param name="WriteErrors">Write tries not answered 201 or 200.</param>
/// <param name="Timeouts">Requests with no answer within the client's timeout: hangs.</param>
/// <param name="ConnectionErrors">Requests whose connection to the API was refused or broken.</param>
/// <param name="ByOutcome">Requests by status code, <c>timeout</c> and <c>connection error</c>.</param>
/// <param name="Errors">Requests that did not succeed, by outcome and problem title (e.g. <c>503 Database unavailable</c>).</param>
public sealed record RequestSummary(
    int Requests,
    int Succeeded,
    int ReadErrors,
    int WriteErrors,
    int Timeouts,
    int ConnectionErrors,
    IReadOnlyDictionary<string, int> ByOutcome,
    IReadOnlyDictionary<string, int> Errors)
{
    /// <summary>Counts <paramref name="records"/>.</summary>
    /// <param name="records">The requests.</param>
    public static RequestSummary Of(IReadOnlyCollection<RequestRecord> records) => new(
        records.Count,
        records.Count(r => r.Succeeded),
        records.Count(r => r.IsRead && !r.Succeeded),
        records.Count(r => !r.IsRead && !r.Succeeded),
        records.Count(r => r.Failure == RequestFailure.Timeout),
        records.Count(r => r.Failure == RequestFailure.Connection),
        records.GroupBy(r => r.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
        records.Where(r => !r.Succeeded).GroupBy(r => r.ErrorLabel).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()));
}
