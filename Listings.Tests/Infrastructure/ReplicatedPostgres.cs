using Listings.Testing;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL primary and one streaming standby of it for one test class, without the AppHost: the throw-away
/// cluster of <see cref="ThrowawayPostgres"/> (<see cref="PostgresServer"/>) plus a physical standby made by
/// <see cref="PostgresServer.StartStandbyAsync"/> (asynchronous replication, hot standby, no replication slot).
/// Both are deleted after the class.
/// </summary>
public sealed class ReplicatedPostgres : IAsyncLifetime
{
    private PostgresServer? _primary;
    private PostgresServer? _standby;

    /// <summary>Gets the primary, which takes writes.</summary>
    public PostgresServer Primary => _primary ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets the standby, read-only, replaying the primary's WAL.</summary>
    public PostgresServer Standby => _standby ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _primary = await PostgresServer.StartAsync(PostgresServer.FindBinDirectory(), CancellationToken.None);
        _standby = await _primary.StartStandbyAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // The standby first: it would otherwise keep reconnecting to a primary that is gone.
        if (_standby is not null)
        {
            await _standby.DisposeAsync();
        }

        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }
}
