using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Proves that a transaction pooler keeps prepared statements across transactions, before the pool prepares any: a
/// statement prepared in one transaction is executed in another while a second client holds the server connection it was
/// prepared on (PgBouncer hands out its most recently used server connection first), so the execute lands on another
/// one. PgBouncer 1.21+ with <c>max_prepared_statements</c> prepares it there; an older one answers 26000.
/// </summary>
public static class PreparedStatementProbe
{
    /// <summary>Runs the probe over two unpooled connections.</summary>
    /// <returns>Null when prepared statements survive; otherwise why not.</returns>
    public static async Task<string?> RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        var oneShot = ServerFacts.OneShot(connectionString);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(3 * ServerFacts.Patience);
        try
        {
            await using var preparer = new NpgsqlConnection(oneShot);
            await using var holder = new NpgsqlConnection(oneShot);
            await preparer.OpenAsync(timeout.Token);
            await holder.OpenAsync(timeout.Token);

            await using var statement = new NpgsqlCommand("SELECT $1::int + 1", preparer) { Parameters = { new() { Value = 1 } } };
            await using (var first = await preparer.BeginTransactionAsync(timeout.Token))
            {
                await statement.PrepareAsync(timeout.Token);
                await statement.ExecuteScalarAsync(timeout.Token);
                await first.CommitAsync(timeout.Token);
            }

            await using var held = await holder.BeginTransactionAsync(timeout.Token);
            await using (var hold = new NpgsqlCommand("SELECT 1", holder))
            {
                await hold.ExecuteScalarAsync(timeout.Token);
            }

            await using var second = await preparer.BeginTransactionAsync(timeout.Token);
            var answer = await statement.ExecuteScalarAsync(timeout.Token);
            return answer is 2 ? null : $"the prepared statement answered {answer} instead of 2";
        }
        catch (PostgresException error)
        {
            return $"{error.SqlState}: {error.MessageText}";
        }
        catch (Exception error) when (error is NpgsqlException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return $"the probe could not run ({error.GetBaseException().GetType().Name})";
        }
    }
}
