namespace Listings.AppHost.Database.Local;

/// <summary>
/// A PostgreSQL server the AppHost runs from this machine's binaries. Its connection string names the superuser and no
/// database; each <see cref="LocalPostgresDatabaseResource"/> names its own.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the TCP endpoint the server listens on.</summary>
    public const string EndpointName = "tcp";

    /// <summary>The superuser, as on Supabase and in the PostgreSQL container.</summary>
    public const string UserName = "postgres";

    private EndpointReference? _endpoint;

    /// <summary>The superuser password, generated once per data directory.</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>The endpoint the server listens on, on 127.0.0.1 at a port the orchestrator allocates.</summary>
    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    /// <summary>The databases to create once the server accepts connections.</summary>
    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        // 127.0.0.1, not localhost: the server listens on IPv4 loopback only, and localhost may resolve to ::1 first.
        $"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");
}
