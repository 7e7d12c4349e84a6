using Listings.Api.Data;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Listings.Tests.Unit;

public sealed class TransientFailureTests
{
    [Theory]
    [InlineData("XX000", "(EMAXCONNSESSION) max clients reached in session mode - max clients are limited to pool_size: 15")]
    [InlineData("XX000", "Max client connections reached (EMAXCONN), limit: 200")]
    [InlineData("XX000", "(ECHECKOUTTIMEOUT) unable to check out connection from the pool after 5000ms in transaction mode")]
    [InlineData("53300", "sorry, too many clients already")]
    public void ServerOrPoolerOutOfRoomIsTreatedLikeSaturation(string sqlState, string message)
    {
        var error = new InvalidOperationException("wrapped", new PostgresException(message, "FATAL", "FATAL", sqlState));

        Assert.NotNull(ConnectionProblemClassifier.FindTransient(error));
    }

    [Theory]
    [InlineData("XX000", "something else broke")]
    [InlineData("23505", "duplicate key value violates unique constraint")]
    public void OtherServerErrorsAreNotTransient(string sqlState, string message) =>
        Assert.Null(ConnectionProblemClassifier.FindTransient(new PostgresException(message, "ERROR", "ERROR", sqlState)));

    [Fact]
    public void RetriesSpentOnABrokenTransactionReportTheLastFailure()
    {
        var lastFailure = new DatabaseConnectionLostException(new InvalidOperationException("Transaction is already completed"));
        var spent = new RetryLimitExceededException("The maximum number of retries (3) was exceeded.", lastFailure);

        Assert.Same(lastFailure, ConnectionProblemClassifier.FindTransient(spent));
    }

    [Fact]
    public void RetriesSpentOnAnUnreachableServerReportTheNetworkFailure()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111));
        var spent = new RetryLimitExceededException("The maximum number of retries (3) was exceeded.", refused);

        Assert.Same(refused, ConnectionProblemClassifier.FindTransient(spent));
    }

    [Fact]
    public void ABugOutsideTheDatabaseIsNotTransient() =>
        Assert.Null(ConnectionProblemClassifier.FindTransient(new InvalidOperationException("Sequence contains more than one element")));

    [Fact]
    public void AConnectionLostInsideATransactionIsTransient()
    {
        var lost = new DatabaseConnectionLostException(new InvalidOperationException("Transaction is already completed"));

        Assert.Same(lost, ConnectionProblemClassifier.FindTransient(lost));
    }

    [Theory]
    [InlineData("57014", "canceling statement due to statement timeout")]
    [InlineData("55P03", "canceling statement due to lock timeout")]
    public void AStatementOrLockTimeoutIsFoundThroughTheRetryWrapper(string sqlState, string message)
    {
        var limited = new PostgresException(message, "ERROR", "ERROR", sqlState);

        Assert.Same(limited, ConnectionProblemClassifier.FindStatementLimit(new InvalidOperationException("retries spent", limited)));
    }

    [Fact]
    public void OtherServerErrorsAreNoStatementLimit() =>
        Assert.Null(ConnectionProblemClassifier.FindStatementLimit(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
}
