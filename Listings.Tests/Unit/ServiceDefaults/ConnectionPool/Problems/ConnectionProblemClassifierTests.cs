using System.Net.Sockets;
using System.Security.Authentication;
using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool;

/// <summary>
/// The classifier against exceptions built as Npgsql 10 throws them (types, SQLSTATEs and texts seen against a real
/// PostgreSQL 15 and in Supavisor's answers); the integration tests meet the real ones.
/// </summary>
public sealed class ConnectionProblemClassifierTests
{
    private const string Password = "S3cret-Pa55-unit";

    private static readonly ConnectionTarget LocalPlan = Plan($"Host=127.0.0.1;Port=5433;Username=app;Password={Password};Database=listings;SSL Mode=Require");

    public static TheoryData<string, ConnectionProblemKind, bool> Failures => new()
    {
        // case => problem name, stops a strict start
        { "28P01", ConnectionProblemKind.WrongPassword, true },
        { "28000 role", ConnectionProblemKind.WrongPassword, true },
        { "28000 pg_hba", ConnectionProblemKind.NotAllowed, true },
        { "3D000", ConnectionProblemKind.DatabaseMissing, false },
        { "53300", ConnectionProblemKind.TooManyConnections, false },
        { "Supavisor EMAXCONNSESSION", ConnectionProblemKind.TooManyConnections, false },
        { "Supavisor tenant", ConnectionProblemKind.UnknownPoolerUser, true },
        { "57P03", ConnectionProblemKind.Other, false },
        { "HostNotFound", ConnectionProblemKind.UnknownHost, true },
        { "TryAgain", ConnectionProblemKind.UnknownHost, false },
        { "ConnectionRefused", ConnectionProblemKind.ConnectionRefused, false },
        { "HostUnreachable", ConnectionProblemKind.NetworkUnreachable, false },
        { "SSL refused", ConnectionProblemKind.SslRefused, true },
        { "SSL untrusted", ConnectionProblemKind.SslUntrusted, true },
        { "Timeout", ConnectionProblemKind.Timeout, false },
        { "Canceled", ConnectionProblemKind.Timeout, false },
        { "Npgsql other", ConnectionProblemKind.Other, false },
    };

    public static TheoryData<string> FailureCases => [.. Failures.Select(row => (string)row[0])];

    [Theory]
    [MemberData(nameof(Failures))]
    public void EachConnectionFailureNpgsqlThrowsHasItsProblem(string failure, ConnectionProblemKind kind, bool isConfiguration)
    {
        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions(failure), LocalPlan);

        Assert.Equal(kind, problem.Kind);
        Assert.Equal(isConfiguration, problem.IsConfiguration);
        Assert.Equal(kind, ConnectionProblemClassifier.FindConnectionProblem(Exceptions(failure))?.Kind);
    }

    [Theory]
    [MemberData(nameof(FailureCases))]
    public void ProblemIsOneSentenceWithAFixAndNeverThePassword(string failure)
    {
        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions(failure), LocalPlan);

        Assert.EndsWith(".", problem.Message);
        Assert.False(string.IsNullOrWhiteSpace(problem.Fix));
        Assert.DoesNotContain(Password, problem.ToString());
    }

    [Theory]
    [InlineData("28P01")]
    [InlineData("3D000")]
    [InlineData("Npgsql other")]
    public void ProblemNamesTheEndpointDatabaseAndUser(string failure)
    {
        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions(failure), LocalPlan);

        Assert.Contains("127.0.0.1:5433", problem.Message);
        Assert.Contains("'listings'", problem.Message);
        Assert.Contains("'app'", problem.Message);
    }

    [Theory]
    [InlineData("28P01", "Check the password (and user name) in ConnectionStrings:listingsdb")]
    [InlineData("28P01", "reset it under Project Settings > Database")]
    [InlineData("ConnectionRefused", "Is PostgreSQL running there, and is the port in ConnectionStrings:listingsdb right?")]
    [InlineData("ConnectionRefused", "6543 (transaction pooler)")]
    [InlineData("SSL refused", "Set SSL Mode=Disable or Prefer")]
    [InlineData("SSL untrusted", "Root Certificate=<file>")]
    [InlineData("HostNotFound", "Check the host in ConnectionStrings:listingsdb.")]
    [InlineData("3D000", "Correct the database name in ConnectionStrings:listingsdb")]
    [InlineData("Supavisor tenant", "postgres.<project-ref>")]
    public void FixNamesTheSettingToChange(string failure, string fix)
    {
        Assert.Contains(fix, ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions(failure), LocalPlan).Fix);
    }

    [Fact]
    public void SslRefusedNamesTheSslModeThatRequiresIt()
    {
        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions("SSL refused"), LocalPlan);

        Assert.Equal("The server at 127.0.0.1:5433 does not accept SSL, and SSL Mode=Require requires it.", problem.Message);
    }

    [Fact]
    public void SupabaseDirectHostThatDoesNotResolvePointsToTheSessionPooler()
    {
        var plan = Plan(SupabaseConnections.Direct);

        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions("HostNotFound"), plan);

        Assert.Equal($"The host name '{SupabaseConnections.DirectHost}' does not resolve (DNS lookup failed).", problem.Message);
        Assert.Contains("only an IPv6 address unless the IPv4 add-on is on", problem.Fix);
        Assert.Contains("session pooler", problem.Fix);
    }

    [Fact]
    public void OtherHostThatDoesNotResolveGetsNoSupabaseAdvice()
    {
        Assert.DoesNotContain("Supabase", ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions("HostNotFound"), LocalPlan).Fix);
    }

    [Fact]
    public void UrlWithAnIPv6HostNamesTheEndpointInBrackets()
    {
        var plan = Plan($"postgresql://app:{Password}@[::1]:5433/listings");

        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(Exceptions("ConnectionRefused"), plan);

        Assert.Equal("Nothing accepts connections at [::1]:5433 (connection refused).", problem.Message);
        Assert.Contains("DATABASE_URL", problem.Fix);
    }

    [Fact]
    public void ServerTextThatEchoesThePasswordIsScrubbed()
    {
        var error = new NpgsqlException($"Something echoed {Password} back", new IOException("broken"));

        var problem = ConnectionProblemClassifier.DescribeConnectionFailure(error, LocalPlan);

        Assert.Equal(ConnectionProblemKind.Other, problem.Kind);
        Assert.DoesNotContain(Password, problem.Message);
        Assert.Contains("***", problem.Message);
    }

    [Fact]
    public void FailureWrappedByARetryingStrategyIsStillRecognized()
    {
        var wrapped = new InvalidOperationException("retry limit exceeded", new AggregateException(Exceptions("28P01")));

        Assert.Equal(ConnectionProblemKind.WrongPassword, ConnectionProblemClassifier.FindConnectionProblem(wrapped)?.Kind);
    }

    [Fact]
    public void PoolExhaustionIsLoadNotAConnectionProblem()
    {
        var exhausted = new NpgsqlException(
            "The connection pool has been exhausted, either raise 'Maximum Pool Size' (currently 20) or 'Timeout' (currently 60 seconds) in your connection string.",
            new TimeoutException());

        Assert.Null(ConnectionProblemClassifier.FindConnectionProblem(exhausted));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.UndefinedTable)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    public void StatementErrorsAreNotConnectionProblems(string sqlState)
    {
        Assert.Null(ConnectionProblemClassifier.FindConnectionProblem(new PostgresException("statement failed", "ERROR", "ERROR", sqlState)));
    }

    [Fact]
    public void ExceptionsOutsideNpgsqlAreNotConnectionProblemsButStillClassifyAsOther()
    {
        var error = new InvalidOperationException("not about connecting");

        Assert.Null(ConnectionProblemClassifier.FindConnectionProblem(error));
        Assert.Equal(ConnectionProblemKind.Other, ConnectionProblemClassifier.DescribeConnectionFailure(error, LocalPlan).Kind);
    }

    // Built as Npgsql 10.0.3 throws them against PostgreSQL 15 (texts copied from real failures).
    private static Exception Exceptions(string failure) => failure switch
    {
        "28P01" => Fatal(PostgresErrorCodes.InvalidPassword, "password authentication failed for user \"app\""),
        "28000 role" => Fatal(PostgresErrorCodes.InvalidAuthorizationSpecification, "role \"app\" does not exist"),
        "28000 pg_hba" => Fatal(PostgresErrorCodes.InvalidAuthorizationSpecification,
            "no pg_hba.conf entry for host \"127.0.0.1\", user \"app\", database \"listings\", no encryption"),
        "3D000" => Fatal(PostgresErrorCodes.InvalidCatalogName, "database \"listings\" does not exist"),
        "53300" => Fatal(PostgresErrorCodes.TooManyConnections, "sorry, too many clients already"),
        "Supavisor EMAXCONNSESSION" => Fatal(PostgresErrorCodes.InternalError,
            "(EMAXCONNSESSION) max clients reached in session mode - max clients are limited to pool_size: 15"),
        "Supavisor tenant" => Fatal(PostgresErrorCodes.InternalError, "Tenant or user not found"),
        "57P03" => Fatal(PostgresErrorCodes.CannotConnectNow, "the database system is starting up"),
        "HostNotFound" => new NpgsqlException("Name or service not known", new SocketException((int)SocketError.HostNotFound)),
        "TryAgain" => new NpgsqlException("Temporary failure in name resolution", new SocketException((int)SocketError.TryAgain)),
        "ConnectionRefused" => new NpgsqlException("Failed to connect to 127.0.0.1:5433", new SocketException((int)SocketError.ConnectionRefused)),
        "HostUnreachable" => new NpgsqlException("Failed to connect to [2001:db8::1]:5432", new SocketException((int)SocketError.HostUnreachable)),
        "SSL refused" => new NpgsqlException("SSL connection requested. No SSL enabled connection from this host is configured."),
        "SSL untrusted" => new NpgsqlException("Exception while performing SSL handshake",
            new AuthenticationException("The remote certificate was rejected by the provided RemoteCertificateValidationCallback.")),
        "Timeout" => new NpgsqlException("The operation has timed out", new TimeoutException("The operation has timed out.")),
        "Canceled" => new OperationCanceledException(),
        "Npgsql other" => new NpgsqlException("Exception while reading from stream", new IOException("Unable to read data from the transport connection.")),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };

    private static PostgresException Fatal(string sqlState, string message) => new(message, "FATAL", "FATAL", sqlState);

    // The connection as the service reads it, so a problem names it as the service would.
    private static ConnectionTarget Plan(string connectionString)
    {
        var source = connectionString.StartsWith("postgresql", StringComparison.Ordinal) ? "DATABASE_URL" : SupabaseConnections.Source;
        Assert.True(ConnectionTarget.TryRead(connectionString, source, null, "keep", null, null, out var target, out var error), error);
        return target!;
    }
}
