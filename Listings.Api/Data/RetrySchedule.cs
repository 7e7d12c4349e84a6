namespace Listings.Api.Data;

/// <summary>
/// When to try a failed database operation again: soon at first (a broken pooled connection is replaced at once, a fast
/// restart is soon over), <see cref="Growth"/> times longer each time, and never past a budget counted from the request's
/// arrival, so a database that stays down costs a request a quick 503, not a long wait.
/// </summary>
public sealed class RetrySchedule(DatabaseRetryOptions options)
{
    /// <summary>How much longer each pause is than the one before.</summary>
    public const double Growth = 3;

    /// <summary>The jitter applied to each pause, ±20%, so clients retrying together spread out.</summary>
    public const double Jitter = 0.2;

    /// <summary>
    /// The pause before retry <paramref name="retry"/> (from 1), its jitter chosen by <paramref name="random"/> in [0, 1);
    /// null when the count is spent or the pause would end past the budget, of which <paramref name="elapsed"/> has run.
    /// </summary>
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
