using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Why a connection failed, in words a person can act on; made by <see cref="ConnectionProblemClassifier"/>.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">One sentence naming the problem and the connection, never the password.</param>
/// <param name="Fix">One sentence naming the fix.</param>
/// <param name="IsConfiguration">True when only configuration fixes it, not time (<c>ConnectionPool:Strict</c> stops the start).</param>
public sealed record ConnectionProblem(
    [property: JsonPropertyName("name")] ConnectionProblemKind Kind,
    string Message,
    string Fix,
    [property: JsonIgnore] bool IsConfiguration)
{
    /// <summary>The kind's name, e.g. <c>wrong-password</c>.</summary>
    [JsonIgnore]
    public string Name => Kind.ToName();

    /// <summary>The problem and its fix as one line.</summary>
    public override string ToString() => $"{Name}: {Message} Fix: {Fix}";
}

/// <summary>The kinds of <see cref="ConnectionProblem"/>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ConnectionProblemKind>))]
public enum ConnectionProblemKind
{
    /// <summary>The server refused the user name or password (SQLSTATE 28P01, or 28000 outside pg_hba.conf).</summary>
    WrongPassword,

    /// <summary>The server's pg_hba.conf has no line letting this client in (SQLSTATE 28000).</summary>
    NotAllowed,

    /// <summary>Supavisor knows no project for the user name (<c>Tenant or user not found</c>).</summary>
    UnknownPoolerUser,

    /// <summary>The host name does not resolve.</summary>
    UnknownHost,

    /// <summary>No route to the host's address, e.g. an IPv6 address from an IPv4-only network.</summary>
    NetworkUnreachable,

    /// <summary>Nothing listens on the host and port.</summary>
    ConnectionRefused,

    /// <summary>The client requires SSL and the server does not offer it.</summary>
    SslRefused,

    /// <summary>The client verifies the server's certificate and does not trust it.</summary>
    SslUntrusted,

    /// <summary>No answer in time.</summary>
    Timeout,

    /// <summary>The database does not exist (SQLSTATE 3D000).</summary>
    DatabaseMissing,

    /// <summary>The server or pooler has no free connection slot (SQLSTATE 53300, Supavisor's client limits).</summary>
    TooManyConnections,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>The names of <see cref="ConnectionProblemKind"/>.</summary>
public static class ConnectionProblemKinds
{
    /// <summary>The kind's kebab-case name, as JSON writes it.</summary>
    public static string ToName(this ConnectionProblemKind kind) => KebabCase.Name(kind);
}
