namespace Listings.Api.Data;

/// <summary>
/// How a database operation that failed transiently (a broken connection, a restarting server) is tried again, bound
/// from the <c>DatabaseRetry</c> section when the service is built
/// (<see cref="DatabaseRetryOptionsValidator"/>). Aspire's stock is 6 retries with up to 30 s between them, which holds a
/// request for about a minute while the database is down. The defaults here retry three times within 800 ms
/// (after about 50, 150 and 450 ms): enough to ride out killed connections and a fast restart, and short enough that
/// a request meets a database that stays down with a 503 and Retry-After in about a second.
/// </summary>
public sealed class DatabaseRetryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "DatabaseRetry";

    /// <summary>Retries after the first failure; 0 turns retrying off. The default value is 3.</summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>The pause before the first retry, in milliseconds; each later pause is three times longer. The default value is 50.</summary>
    public int FirstRetryDelayMilliseconds { get; set; } = 50;

    /// <summary>The longest pause between two tries, in seconds. The default value is 1.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 1;

    /// <summary>
    /// How long, from the request's arrival (time queued for admission included), retrying may go on, in
    /// milliseconds: a retry whose pause would end later is not made. 0 switches to EF Core's own schedule (0, 1, 3, 7 … s up to <see cref="MaxRetryDelaySeconds"/>) without a
    /// budget, as Aspire's stock setting has it. The default value is 800.
    /// </summary>
    public int RetryBudgetMilliseconds { get; set; } = 800;
}
