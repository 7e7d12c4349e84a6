namespace Listings.AppHost.Database.Local;

/// <summary>
/// A PgBouncer in transaction mode in front of a <see cref="LocalPostgresDatabaseResource"/>, run from this machine's
/// <c>pgbouncer</c>: Supabase's transaction pooler (:6543), locally.
/// </summary>
public sealed class LocalPgBouncerResource(string name, string command, string workingDirectory, LocalPostgresDatabaseResource database)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the TCP endpoint PgBouncer listens on.</summary>
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    /// <summary>The database PgBouncer pools connections to.</summary>
    public LocalPostgresDatabaseResource Database { get; } = database;

    /// <summary>The endpoint PgBouncer listens on, on 127.0.0.1 at a port the orchestrator allocates.</summary>
    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Username={LocalPostgresServerResource.UserName};Password={Database.Parent.Password};Database={Database.DatabaseName}");
}
