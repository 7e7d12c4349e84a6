namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// No connection was tried while <see cref="LoginBackoff"/> pauses. Wraps the last refusal, so the classifier finds the
/// same problem.
/// </summary>
public sealed class LoginBackoffException(TimeSpan retryAfter, Exception refusal)
    : TransientDatabaseException($"The database refused the login; no connection is tried for {Math.Ceiling(retryAfter.TotalSeconds):0} s.", refusal)
{
    /// <inheritdoc />
    public override TimeSpan? RetryAfter { get; } = retryAfter;
}
