using System.Net.Sockets;
using System.Text.Json.Serialization;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>What the server answered at start, before the pool exists.</summary>
/// <param name="Facts">The server's facts, or null when it did not answer.</param>
/// <param name="Problem">Why it did not answer, or null.</param>
/// <param name="PreparedStatementsRefused">Why prepared statements stay off, or null.</param>
public sealed record ServerSurvey(ServerFacts? Facts, ConnectionProblem? Problem, string? PreparedStatementsRefused)
{
    /// <summary>What the failed attempt threw, for the <see cref="LoginBackoff"/>.</summary>
    [JsonIgnore]
    public Exception? Failure { get; init; }

    /// <summary>Asks the server, then, when <paramref name="probePreparedStatements"/>, runs the <see cref="PreparedStatementProbe"/>.</summary>
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
