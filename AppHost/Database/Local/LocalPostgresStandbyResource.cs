namespace Listings.AppHost.Database.Local;

/// <summary>
/// A read replica of a <see cref="LocalPostgresServerResource"/>: a streaming standby run from the same binaries, cloned
/// from the primary with <c>pg_basebackup</c> and kept up to date by streaming replication. Read-only; its connection
/// string names the superuser and no database, like the primary's.
/// </summary>
public sealed class LocalPostgresStandbyResource(string name, string command, string workingDirectory, LocalPostgresServerResource primary, string dataDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the TCP endpoint the standby listens on.</summary>
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    /// <summary>The server this standby replicates.</summary>
    public LocalPostgresServerResource Primary { get; } = primary;

    /// <summary>The standby's own cluster (PGDATA), a base backup of the primary's.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The endpoint the standby listens on, on 127.0.0.1 at a port the orchestrator allocates.</summary>
    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        // The base backup copies the primary's roles: the same superuser and password sign in here.
        $"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Username={LocalPostgresServerResource.UserName};Password={Primary.Password}");
}
