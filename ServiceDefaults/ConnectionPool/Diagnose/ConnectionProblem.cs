using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Why a connection to the database failed, in words a person can act on: a short name, one sentence naming the
/// problem and the connection (host, port, database, user; never the password), and one naming the fix.
/// <see cref="ConnectionProblemClassifier"/> makes them from the exceptions Npgsql throws.
/// </summary>
/// <param name="Name">The short name, e.g. <c>wrong-password</c>; one of the constants of this type.</param>
/// <param name="Message">One sentence naming the problem and the connection.</param>
/// <param name="Fix">One sentence naming the fix.</param>
/// <param name="IsConfiguration">True when only a change of configuration (the service's or the server's) fixes it,
/// not time: <c>ConnectionPool:Strict</c> stops the start on these.</param>
public sealed record ConnectionProblem(string Name, string Message, string Fix, [property: JsonIgnore] bool IsConfiguration)
{
    /// <summary>The server refused the user name or password (SQLSTATE 28P01, or 28000 outside pg_hba.conf).</summary>
    public const string WrongPassword = "wrong-password";

    /// <summary>The server's pg_hba.conf has no line letting this client in (SQLSTATE 28000).</summary>
    public const string NotAllowed = "not-allowed";

    /// <summary>Supavisor knows no project for the user name (<c>Tenant or user not found</c>).</summary>
    public const string UnknownPoolerUser = "unknown-pooler-user";

    /// <summary>The host name does not resolve.</summary>
    public const string UnknownHost = "unknown-host";

    /// <summary>No route to the host's address, e.g. an IPv6 address from an IPv4-only network.</summary>
    public const string NetworkUnreachable = "network-unreachable";

    /// <summary>Nothing listens on the host and port.</summary>
    public const string ConnectionRefused = "connection-refused";

    /// <summary>The client requires SSL and the server does not offer it.</summary>
    public const string SslRefused = "ssl-refused";

    /// <summary>The client verifies the server's certificate and does not trust it.</summary>
    public const string SslUntrusted = "ssl-untrusted";

    /// <summary>No answer in time.</summary>
    public const string Timeout = "timeout";

    /// <summary>The database does not exist (SQLSTATE 3D000).</summary>
    public const string DatabaseMissing = "database-missing";

    /// <summary>The server or pooler has no free connection slot (SQLSTATE 53300, Supavisor's client limits).</summary>
    public const string TooManyConnections = "too-many-connections";

    /// <summary>Anything else.</summary>
    public const string Other = "other";

    /// <summary>The problem and its fix as one line, for logs and exception messages.</summary>
    public override string ToString() => $"{Name}: {Message} Fix: {Fix}";
}
