namespace Listings.Benchmarks.Faults.Load;

/// <summary>One HTTP request the load sent, as the client saw it. A write retried three times is three records.</summary>
/// <param name="Kind">What was asked.</param>
/// <param name="StartSeconds">When it was sent, on the scenario's clock.</param>
/// <param name="DurationMs">From sending to the whole answer read (or to the failure).</param>
/// <param name="Status">The HTTP status, or 0 when there was no answer.</param>
/// <param name="Failure">Why there was no answer, if there was none.</param>
/// <param name="RetryAfter">True when the answer carried a <c>Retry-After</c> header.</param>
/// <param name="ProblemDetails">True when the answer's body was <c>application/problem+json</c>.</param>
/// <param name="Key">The write's <c>Idempotency-Key</c>; null for reads.</param>
/// <param name="Attempt">1 for the first try of a write, 2 for its first retry, and so on; 1 for reads.</param>
/// <param name="Title">The problem details' title of an error answer (e.g. "Database unavailable"), else null.</param>
public sealed record RequestRecord(
    RequestKind Kind,
    double StartSeconds,
    double DurationMs,
    int Status,
    RequestFailure Failure,
    bool RetryAfter,
    bool ProblemDetails,
    string? Key,
    int Attempt,
    string? Title = null)
{
    /// <summary>Gets when the answer (or the failure) arrived, on the scenario's clock.</summary>
    public double EndSeconds => StartSeconds + DurationMs / 1000;

    /// <summary>Gets a value indicating whether this was a safe read.</summary>
    public bool IsRead => Kind != RequestKind.Create;

    /// <summary>Gets a value indicating whether the request did what it asked: 200 for a read, 201 (or a replayed 200) for a write.</summary>
    public bool Succeeded => Kind == RequestKind.Create ? Status is 200 or 201 : Status == 200;

    /// <summary>Gets the label an error is counted under: the outcome and, for problem details, their title.</summary>
    public string ErrorLabel => Title is null ? Outcome : $"{Outcome} {Title}";

    /// <summary>Gets the label the report counts it under: the status code, <c>timeout</c> or <c>connection error</c>.</summary>
    public string Outcome => Failure switch
    {
        RequestFailure.Timeout => "timeout",
        RequestFailure.Connection => "connection error",
        _ => Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
