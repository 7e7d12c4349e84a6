namespace Listings.AppHost.Database.Local;

/// <summary>
/// A PostgreSQL server the AppHost runs from this machine's binaries. Its connection string names the superuser and no
/// database; each <see cref="LocalPostgresDatabaseResource"/> names its own.
/// </summary>
public sealed class LocalPostgresServerResource(
    string name, string command, LocalPostgresDirectory directory, PostgresBinaries binaries, int maxConnections, ParameterResource password)
    : ExecutableResource(name, command, directory.Root), IResourceWithConnectionString
{
    /// <summary>The name of the TCP endpoint the server listens on.</summary>
    public const string EndpointName = "tcp";

    /// <summary>The superuser, as on Supabase and in the PostgreSQL container.</summary>
    public const string UserName = "postgres";

    private EndpointReference? _endpoint;

    /// <summary>The folder that holds the cluster, its password and whatever else runs beside the server.</summary>
    public LocalPostgresDirectory Directory { get; } = directory;

    /// <summary>The binaries the server runs from; its standbys run from the same.</summary>
    public PostgresBinaries Binaries { get; } = binaries;

    /// <summary>The server's <c>max_connections</c>; a standby needs at least as many to start.</summary>
    public int MaxConnections { get; } = maxConnections;

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
