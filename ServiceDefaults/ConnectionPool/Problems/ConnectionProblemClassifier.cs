using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The one place that reads a database failure, from the exception types and texts Npgsql 10 produces. Pure; never
/// echoes the password, even where a server's text might hold it.
/// </summary>
public static class ConnectionProblemClassifier
{
    private const string PoolExhaustedText = "The connection pool has been exhausted";

    /// <summary>
    /// The connection problem behind <paramref name="error"/>, or null when nothing says a connection failed (a query
    /// error, or the pool's exhaustion, which is load). Without <paramref name="connection"/> the sentences name none.
    /// </summary>
    public static ConnectionProblem? FindConnectionProblem(Exception error, ConnectionTarget? connection = null)
    {
        var chain = Chain(error).ToList();
        var target = new Target(connection);

        // The server answered: its SQLSTATE says whether it refused the connection or only a statement.
        if (chain.OfType<PostgresException>().FirstOrDefault() is { } postgres)
        {
            return FromServer(postgres, target);
        }

        // Npgsql's exhaustion error wraps a TimeoutException too: it is the pool's wait, not the server's silence.
        if (chain.Any(IsPoolExhausted))
        {
            return null;
        }

        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket && FromSocket(socket, target) is { } network)
        {
            return network;
        }

        if (chain.OfType<AuthenticationException>().Any())
        {
            // "Exception while performing SSL handshake" wrapping "The remote certificate was rejected ...".
            return new(
                ConnectionProblemKind.SslUntrusted,
                $"The SSL certificate of the server at {target.Endpoint} is not trusted (SSL Mode={target.SslMode} verifies it).",
                $"Give the server's CA certificate as Root Certificate=<file> (sslrootcert in a URL) in {target.Source}; Supabase offers"
                + " its CA for download in the project's database settings. Or use SSL Mode=Require, which encrypts without verifying.",
                IsConfiguration: true);
        }

        // Npgsql 10: "SSL connection requested. No SSL enabled connection from this host is configured."
        if (chain.Any(e => e is NpgsqlException && e.Message.StartsWith("SSL connection requested", StringComparison.Ordinal)))
        {
            return new(
                ConnectionProblemKind.SslRefused,
                $"The server at {target.Endpoint} does not accept SSL, and SSL Mode={target.SslMode} requires it.",
                $"Set SSL Mode=Disable or Prefer (sslmode=disable or prefer in a URL) in {target.Source} for a local server without"
                + " SSL, or connect to a server that has SSL on.",
                IsConfiguration: true);
        }

        // Npgsql 10: NpgsqlException "The operation has timed out" wrapping a TimeoutException, also when the caller's
        // token ran out first.
        if (chain.Any(e => e is TimeoutException or OperationCanceledException))
        {
            return TimedOut(target);
        }

        return chain.OfType<NpgsqlException>().Any() ? OtherProblem(chain, error, target) : null;
    }

    /// <summary>The problem behind an attempt known to have failed; <see cref="ConnectionProblemKind.Other"/> when no known one explains it.</summary>
    public static ConnectionProblem DescribeConnectionFailure(Exception error, ConnectionTarget connection) =>
        FindConnectionProblem(error, connection) ?? OtherProblem(Chain(error).ToList(), error, new Target(connection));

    /// <summary>
    /// The first failure in <paramref name="error"/>'s chain a later try can get past (503, not 500), or null. The whole
    /// chain is searched because EF Core's retrying strategy wraps the last failure in a <c>RetryLimitExceededException</c>.
    /// </summary>
    public static Exception? FindTransient(Exception error) =>
        Chain(error).FirstOrDefault(e =>
            e is NpgsqlException { IsTransient: true } or TimeoutException or TransientDatabaseException || IsConnectionLimit(e));

    /// <summary>True when the wait for a connection outlived <c>Timeout</c> (the pool exhausted, or a connect that did not finish).</summary>
    public static bool IsTimeout(Exception error) => Chain(error).Any(e => e is TimeoutException);

    /// <summary>The server's 57014 (<c>statement_timeout</c>) or 55P03 (<c>lock_timeout</c>): a later try may pass. Null when there is none.</summary>
    public static PostgresException? FindStatementLimit(Exception error) =>
        Chain(error).OfType<PostgresException>().FirstOrDefault(e =>
            e.SqlState is PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable);

    /// <summary>True for Npgsql's error when no pooled connection came free within <c>Timeout</c> (this exception only).</summary>
    public static bool IsPoolExhausted(Exception error) =>
        error is NpgsqlException && error.Message.StartsWith(PoolExhaustedText, StringComparison.Ordinal);

    private static ConnectionProblem? FromServer(PostgresException error, Target target) => error.SqlState switch
    {
        PostgresErrorCodes.InvalidPassword => WrongPassword(target),
        PostgresErrorCodes.InvalidAuthorizationSpecification when error.MessageText.Contains("pg_hba.conf", StringComparison.Ordinal) => new(
            ConnectionProblemKind.NotAllowed,
            $"The server at {target.Endpoint} does not let user '{target.Username}' reach database '{target.Database}' from this"
            + $" client{(error.MessageText.Contains("no encryption", StringComparison.Ordinal) ? " without SSL" : "")} (no pg_hba.conf line allows it).",
            $"Add a line for this client to the server's pg_hba.conf, or connect with a user, database or SSL Mode it allows"
            + $" (a 'hostssl' line needs SSL Mode=Require in {target.Source}).",
            IsConfiguration: true),
        PostgresErrorCodes.InvalidAuthorizationSpecification => WrongPassword(target),
        PostgresErrorCodes.InvalidCatalogName => new(
            ConnectionProblemKind.DatabaseMissing,
            $"Database '{target.Database}' does not exist on the server at {target.Endpoint} (user '{target.Username}').",
            $"Correct the database name in {target.Source} (on Supabase it is postgres), or create the database; the service's"
            + $" migrations create it at start when user '{target.Username}' may create databases.",
            IsConfiguration: false),
        _ when IsConnectionLimit(error) => new(
            ConnectionProblemKind.TooManyConnections,
            $"The server at {target.Endpoint} has no free connection slot (it said: {target.Scrub(error.MessageText)}).",
            "Other clients hold the server's connections: close some, or lower Maximum Pool Size over all replicas"
            + " (ConnectionPool:MaxPoolSize; 'db-info' shows the budget).",
            IsConfiguration: false),
        // Supavisor, when the user name carries no project ref it knows: XX000 "Tenant or user not found".
        PostgresErrorCodes.InternalError when error.MessageText.Contains("Tenant or user not found", StringComparison.OrdinalIgnoreCase) => new(
            ConnectionProblemKind.UnknownPoolerUser,
            $"The Supabase pooler at {target.Endpoint} knows no project for user '{target.Username}' (Tenant or user not found).",
            $"On the pooler the user name is postgres.<project-ref> (plain postgres only on db.<project-ref>.supabase.co): copy the"
            + $" connection string again from Connect in the Supabase dashboard into {target.Source}.",
            IsConfiguration: true),
        // Class 08 (connection exception) and 57P0x (the server shutting down, or starting up: "cannot connect now").
        { } state when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P0", StringComparison.Ordinal) => new(
            ConnectionProblemKind.Other,
            $"The server at {target.Endpoint} refused the connection to database '{target.Database}' as user '{target.Username}'"
            + $" ({error.SqlState}: {target.Scrub(error.MessageText)}).",
            $"Check the user, database and SSL Mode in {target.Source}; 'db-info' shows the whole connection plan.",
            IsConfiguration: false),
        _ => null,
    };

    private static ConnectionProblem WrongPassword(Target target) => new(
        ConnectionProblemKind.WrongPassword,
        $"The server at {target.Endpoint} rejected the login of user '{target.Username}' to database '{target.Database}':"
        + " wrong password or unknown user.",
        $"Check the password (and user name) in {target.Source}, percent-encoding its special characters in a URL (@ as %40);"
        + " for Supabase, reset it under Project Settings > Database.",
        IsConfiguration: true);

    private static ConnectionProblem? FromSocket(SocketException error, Target target) => error.SocketErrorCode switch
    {
        SocketError.HostNotFound or SocketError.NoData => new(
            ConnectionProblemKind.UnknownHost,
            $"The host name '{target.Host}' does not resolve (DNS lookup failed).",
            $"Check the host in {target.Source}.{target.SupabaseDirectHint}",
            IsConfiguration: true),
        SocketError.TryAgain => new(
            ConnectionProblemKind.UnknownHost,
            $"The host name '{target.Host}' could not be resolved right now (temporary DNS failure).",
            $"Check this machine's DNS and network, and the host in {target.Source}; the service keeps trying.",
            IsConfiguration: false),
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => new(
            ConnectionProblemKind.NetworkUnreachable,
            $"No network route to {target.Endpoint}.",
            $"Check the host in {target.Source} and this machine's network; an IPv6 address needs an IPv6 network.{target.SupabaseDirectHint}",
            IsConfiguration: false),
        SocketError.ConnectionRefused => new(
            ConnectionProblemKind.ConnectionRefused,
            $"Nothing accepts connections at {target.Endpoint} (connection refused).",
            $"Is PostgreSQL running there, and is the port in {target.Source} right? Supabase listens on 5432 (direct host and"
            + " session pooler) and 6543 (transaction pooler).",
            IsConfiguration: false),
        SocketError.TimedOut => TimedOut(target),
        _ => null,
    };

    private static ConnectionProblem TimedOut(Target target) => new(
        ConnectionProblemKind.Timeout,
        $"The server at {target.Endpoint} did not answer in time.",
        $"Check the host and port in {target.Source} and that no firewall drops the traffic; a server that is starting or"
        + " overloaded may answer later, and the service keeps trying.",
        IsConfiguration: false);

    private static ConnectionProblem OtherProblem(List<Exception> chain, Exception error, Target target)
    {
        var cause = chain.LastOrDefault(e => e is NpgsqlException or SocketException) ?? error.GetBaseException();
        return new(
            ConnectionProblemKind.Other,
            $"Connecting to database '{target.Database}' at {target.Endpoint} as user '{target.Username}' failed"
            + $" ({cause.GetType().Name}: {target.Scrub(cause.Message.TrimEnd('.'))}).",
            $"Check the host, port, user, database and SSL Mode in {target.Source}; 'db-info' shows the whole connection plan.",
            IsConfiguration: false);
    }

    // PostgreSQL's 53300 and Supavisor's limits, which arrive as XX000 with their code in the text (EMAXCONNSESSION "max
    // clients reached in session mode", EMAXCONN, ECHECKOUTTIMEOUT). Npgsql does not count them as transient, yet they
    // pass like saturation does.
    private static bool IsConnectionLimit(Exception error) => error is PostgresException postgres
        && (postgres.SqlState == PostgresErrorCodes.TooManyConnections
            || (postgres.SqlState == PostgresErrorCodes.InternalError
                && (postgres.MessageText.Contains("max clients reached", StringComparison.OrdinalIgnoreCase)
                    || postgres.MessageText.Contains("EMAXCONN", StringComparison.Ordinal)
                    || postgres.MessageText.Contains("unable to check out connection", StringComparison.OrdinalIgnoreCase))));

    // The exception and everything it wraps, depth first, an AggregateException's every inner one included.
    private static IEnumerable<Exception> Chain(Exception error)
    {
        yield return error;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : [.. OneOrNone(error.InnerException)];
        foreach (var child in inner.SelectMany(Chain))
        {
            yield return child;
        }
    }

    private static IEnumerable<Exception> OneOrNone(Exception? error) => error is null ? [] : [error];

    private sealed class Target(ConnectionTarget? connection)
    {
        private readonly string? _password = connection?.Password;

        public string Host { get; } = connection?.Host ?? "(no host)";

        public string Endpoint { get; } = connection?.Host is not { } host
            ? "(no host)"
            : string.Create(CultureInfo.InvariantCulture, $"{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{connection.Port}");

        public string Database { get; } = connection?.Database ?? "(the user's default)";

        public string Username { get; } = connection?.Username ?? "(none)";

        public string SslMode { get; } = connection?.SslMode.ToString() ?? "Prefer";

        public string Source { get; } = connection?.Source ?? "the connection string";

        public string SupabaseDirectHint { get; } = SupabaseEndpoints.IsDirectHost(connection?.Host)
            ? " Supabase's direct host db.<project-ref>.supabase.co has only an IPv6 address unless the IPv4 add-on is on:"
              + " from an IPv4-only network, use the session pooler (Connect > Session pooler in the Supabase dashboard)."
            : "";

        // A server or library text is shown only with the password cut out, should it ever echo it.
        public string Scrub(string text) =>
            string.IsNullOrEmpty(_password) ? text : text.Replace(_password, "***", StringComparison.Ordinal);
    }
}
