namespace Listings.AppHost.Database.Local;

/// <summary>
/// The read side of a <see cref="LocalPostgresDatabaseResource"/>: the same database on every local standby, as one
/// Npgsql multi-host connection string (<c>Host=127.0.0.1:p1,127.0.0.1:p2;...</c>) that a service reads through.
/// </summary>
public sealed class LocalReadReplicasResource(string name, LocalPostgresDatabaseResource database)
    : Resource(name), IResourceWithConnectionString
{
    /// <summary>The database read on each standby.</summary>
    public LocalPostgresDatabaseResource Database { get; } = database;

    /// <summary>The standbys, in order; the connection string names each.</summary>
    public List<LocalPostgresStandbyResource> Standbys { get; } = [];

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.AppendLiteral("Host=");
            for (var i = 0; i < Standbys.Count; i++)
            {
                builder.AppendLiteral(i == 0 ? "127.0.0.1:" : ",127.0.0.1:");
                builder.Append($"{Standbys[i].Endpoint.Property(EndpointProperty.Port)}");
            }

            builder.Append($";Database={Database.DatabaseName};Username={LocalPostgresServerResource.UserName};Password={Database.Parent.Password}");
            return builder.Build();
        }
    }
}
