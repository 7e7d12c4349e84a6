namespace Listings.Api.Data;

/// <summary>
/// How a database operation that failed transiently is tried again, bound from <see cref="SectionName"/>. Aspire's stock
/// setting (6 retries up to 30 s apart) holds a request for about a minute while the database is down; these defaults ride
/// out killed connections and a fast restart, and answer 503 within about a second otherwise.
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
    /// How long after the request's arrival retrying may go on, in milliseconds: a retry whose pause would end later is not
    /// made. 0 uses EF Core's own schedule without a budget, as Aspire's stock setting does. The default value is 800.
    /// </summary>
    public int RetryBudgetMilliseconds { get; set; } = 800;
}
