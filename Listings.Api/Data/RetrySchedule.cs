namespace Listings.Api.Data;

/// <summary>
/// When to try a failed database operation again: quickly at first (a broken pooled connection is replaced at once,
/// a restart is over in well under a second), three times longer each time, and never past a budget measured from the
/// request's arrival, so a request meets a database that stays down with a 503 in about a second instead of a long wait.
/// </summary>
/// <param name="options">The retry options.</param>
public sealed class RetrySchedule(DatabaseRetryOptions options)
{
    /// <summary>How much longer each pause is than the one before.</summary>
    public const double Growth = 3;

    /// <summary>The jitter applied to each pause, ±20%, so clients retrying together spread out.</summary>
    public const double Jitter = 0.2;

    /// <summary>
    /// The pause before retry number <paramref name="retry"/> (1 for the first retry), or null when there should be
    /// no more tries: the count is spent, or the pause would end past the budget.
    /// </summary>
    /// <param name="retry">The retry about to happen, from 1.</param>
    /// <param name="elapsed">The time the budget has run: since the request arrived, or since the first try.</param>
    /// <param name="random">A number in [0, 1) choosing the jitter.</param>
    public TimeSpan? Next(int retry, TimeSpan elapsed, double random)
    {
        if (retry < 1 || retry > options.MaxRetryCount)
        {
            return null;
        }

        var jittered = options.FirstRetryDelayMilliseconds * Math.Pow(Growth, retry - 1) * (1 - Jitter + (2 * Jitter * random));
        var delay = TimeSpan.FromMilliseconds(Math.Min(jittered, options.MaxRetryDelaySeconds * 1000.0));

        var budget = TimeSpan.FromMilliseconds(options.RetryBudgetMilliseconds);
        return elapsed + delay > budget ? null : delay;
    }
}
