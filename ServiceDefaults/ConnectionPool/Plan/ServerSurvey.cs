using System.Net.Sockets;
using System.Text.Json.Serialization;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// What the server answered at start, before the pool exists: its facts, or the problem that kept it from answering;
/// and, where the plan needs it, whether the pooler keeps prepared statements.
/// </summary>
/// <param name="Facts">The server's facts, or null when it did not answer.</param>
/// <param name="Problem">Why it did not answer, or null.</param>
/// <param name="PreparedStatementsRefused">Null when the probe proved prepared statements (or none was run); otherwise why they stay off.</param>
public sealed record ServerSurvey(ServerFacts? Facts, ConnectionProblem? Problem, string? PreparedStatementsRefused)
{
    /// <summary>What the failed attempt threw: a refused login starts the <c>LoginBackoff</c> with it.</summary>
    [JsonIgnore]
    public Exception? Failure { get; init; }

    /// <summary>
    /// Asks the server about itself within <see cref="ServerFacts.Patience"/>, then, when <paramref name="probePreparedStatements"/>,
    /// runs the <see cref="PreparedStatementProbe"/>.
    /// </summary>
    public static async Task<ServerSurvey> ReadAsync(ConnectionTarget target, bool probePreparedStatements, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ServerFacts.Patience + TimeSpan.FromSeconds(1));
        try
        {
            var facts = await ServerFacts.ReadAsync(target, timeout.Token);
            var refused = probePreparedStatements
                ? await PreparedStatementProbe.RunAsync(target.CreateBuilder().ConnectionString, cancellationToken)
                : null;
            return new ServerSurvey(facts, null, refused);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error) when (error is NpgsqlException or OperationCanceledException or TimeoutException or SocketException)
        {
            var refused = probePreparedStatements ? "the server did not answer at start" : null;
            return new ServerSurvey(null, ConnectionProblemClassifier.DescribeConnectionFailure(error, target), refused) { Failure = error };
        }
    }
}
