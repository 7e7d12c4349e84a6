namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// No connection was tried: the server or pooler refused the login, and <see cref="LoginBackoff"/> holds every attempt
/// back until <see cref="RetryAfter"/> has passed. Wraps the refusal, so the problem it names (e.g. <c>wrong-password</c>)
/// is the one <see cref="ConnectionProblemClassifier"/> finds; answered 503 with that <c>Retry-After</c>.
/// </summary>
/// <param name="retryAfter">The time left in the backoff.</param>
/// <param name="refusal">The last refused login.</param>
public sealed class LoginBackoffException(TimeSpan retryAfter, Exception refusal)
    : TransientDatabaseException($"The database refused the login; no connection is tried for {Math.Ceiling(retryAfter.TotalSeconds):0} s.", refusal)
{
    /// <inheritdoc />
    public override TimeSpan? RetryAfter { get; } = retryAfter;
}
