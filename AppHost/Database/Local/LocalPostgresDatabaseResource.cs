namespace Listings.AppHost.Database.Local;

/// <summary>A database on a <see cref="LocalPostgresServerResource"/>, created when the server first accepts connections.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    /// <summary>The database name inside the server.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <inheritdoc />
    public LocalPostgresServerResource Parent { get; } = parent;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
