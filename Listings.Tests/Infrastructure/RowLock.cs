using Npgsql;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A transaction of the test's own that holds <c>FOR UPDATE</c> on one listing, so the API's updates of it wait in the
/// database while holding their connections: a real way to keep the API's pool busy.
/// </summary>
public sealed class RowLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private RowLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>Locks the listing <paramref name="id"/> until <see cref="ReleaseAsync"/> or disposal.</summary>
    public static async Task<RowLock> TakeAsync(string connectionString, long id)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM listings WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue(id);
        await command.ExecuteScalarAsync();
        return new RowLock(connection, transaction);
    }

    /// <summary>Ends the transaction; the waiting updates go on.</summary>
    public async Task ReleaseAsync()
    {
        if (!_released)
        {
            _released = true;
            await _transaction.RollbackAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
