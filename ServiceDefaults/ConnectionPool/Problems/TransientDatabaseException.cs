namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// A failure Npgsql does not call transient that a later try can get past: <see cref="ConnectionProblemClassifier.FindTransient"/>
/// finds it, so the answer is 503 rather than 500.
/// </summary>
public abstract class TransientDatabaseException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>When a retry can succeed (the 503's <c>Retry-After</c>); null for "shortly".</summary>
    public virtual TimeSpan? RetryAfter => null;
}
