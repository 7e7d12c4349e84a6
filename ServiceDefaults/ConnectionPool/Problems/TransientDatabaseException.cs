namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// A database failure the service itself recognized that Npgsql reports as something else, and that a retry or a
/// later request can get past like a network error: <see cref="ConnectionProblemClassifier.FindTransient"/> finds it,
/// so the error handler answers 503 rather than 500.
/// </summary>
/// <param name="message">What failed; never a connection string.</param>
/// <param name="inner">The exception Npgsql threw.</param>
public abstract class TransientDatabaseException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>When a retry can succeed, if the service knows (the 503's <c>Retry-After</c>); null for "shortly".</summary>
    public virtual TimeSpan? RetryAfter => null;
}
