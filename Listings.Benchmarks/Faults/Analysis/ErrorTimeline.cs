using Listings.Benchmarks.Faults.Load;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>What the clients saw in one second, counted by when each answer (or failure) arrived.</summary>
/// <param name="Second">The second, relative to the fault's injection (0 is the second the fault began).</param>
/// <param name="Requests">Answers and failures that arrived in the second.</param>
/// <param name="Succeeded">Of which succeeded.</param>
/// <param name="ReadErrors">Reads not answered 200.</param>
/// <param name="WriteErrors">Write tries not answered 201 or 200.</param>
/// <param name="ServiceUnavailable">Answers 503.</param>
/// <param name="OtherStatuses">Error answers with another status (500, 4xx...).</param>
/// <param name="Timeouts">Requests that hit the client's timeout.</param>
/// <param name="ConnectionErrors">Requests whose connection to the API failed.</param>
public sealed record TimelineBucket(
    int Second,
    int Requests,
    int Succeeded,
    int ReadErrors,
    int WriteErrors,
    int ServiceUnavailable,
    int OtherStatuses,
    int Timeouts,
    int ConnectionErrors)
{
    /// <summary>Gets the errors of the second, reads and writes.</summary>
    public int Errors => ReadErrors + WriteErrors;
}

/// <summary>Buckets a scenario's requests into seconds around its fault.</summary>
public static class ErrorTimeline
{
    /// <summary>Builds one bucket per second from the scenario's first answer to its last, relative to <paramref name="faultAt"/>.</summary>
    /// <param name="records">Every request of the scenario.</param>
    /// <param name="faultAt">When the fault was injected, on the scenario's clock.</param>
    public static IReadOnlyList<TimelineBucket> Build(IReadOnlyCollection<RequestRecord> records, double faultAt)
    {
        if (records.Count == 0)
        {
            return [];
        }

        var bySecond = records.ToLookup(r => (int)Math.Floor(r.EndSeconds - faultAt));
        var first = bySecond.Min(g => g.Key);
        var last = bySecond.Max(g => g.Key);
        return Enumerable.Range(first, last - first + 1).Select(second =>
        {
            var inSecond = bySecond[second].ToList();
            return new TimelineBucket(
                second,
                inSecond.Count,
                inSecond.Count(r => r.Succeeded),
                inSecond.Count(r => r.IsRead && !r.Succeeded),
                inSecond.Count(r => !r.IsRead && !r.Succeeded),
                inSecond.Count(r => r.Status == 503),
                inSecond.Count(r => r is { Succeeded: false, Failure: RequestFailure.None } && r.Status != 503),
                inSecond.Count(r => r.Failure == RequestFailure.Timeout),
                inSecond.Count(r => r.Failure == RequestFailure.Connection));
        }).ToList();
    }
}
