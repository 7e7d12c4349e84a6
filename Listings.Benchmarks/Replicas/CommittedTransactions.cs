using System.Diagnostics;
using Npgsql;

namespace Listings.Benchmarks.Replicas;

/// <summary>
/// Counts the transactions a primary and its standby commit in one database (<c>pg_stat_database.xact_commit</c>, which a
/// hot standby keeps for its own read-only sessions): which of the two served the reads. A backend reports its counts at
/// most once a second, and under load, when it cannot take the statistics lock at once, up to 10 s later: a reading is
/// taken once the counts have settled, the primary's still and the standby's grown by no more than the lag monitor's
/// readings, over <paramref name="settle"/>. The readings themselves run in the <c>postgres</c> database and are not counted.
/// </summary>
/// <param name="primary">The primary.</param>
/// <param name="standby">Its standby.</param>
/// <param name="database">The database counted.</param>
/// <param name="settle">The interval over which the counts must stay still.</param>
/// <param name="standbySlack">What the standby's count may grow by over <paramref name="settle"/> and still count as still.</param>
public sealed class CommittedTransactions(PostgresServer primary, PostgresServer standby, string database, TimeSpan settle, long standbySlack)
{
    // The longest a reading waits for the counts to settle: past the 10 s a backend may hold back its counts.
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(15);

    /// <summary>Both servers' counts once they have settled, or after <see cref="SettleLimit"/>.</summary>
    /// <param name="cancellationToken">Cancels the wait and the queries.</param>
    public async Task<Reading> ReadAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var reading = await ReadNowAsync(cancellationToken);
        while (true)
        {
            await Task.Delay(settle, cancellationToken);
            var next = await ReadNowAsync(cancellationToken);
            if ((next.Primary == reading.Primary && next.Standby - reading.Standby <= standbySlack) || waited.Elapsed > SettleLimit)
            {
                return next;
            }

            reading = next;
        }
    }

    private async Task<Reading> ReadNowAsync(CancellationToken cancellationToken) =>
        new(Stopwatch.GetTimestamp(), await CountAsync(primary, cancellationToken), await CountAsync(standby, cancellationToken));

    private async Task<long> CountAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync("postgres", cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(xact_commit), 0)::bigint FROM pg_stat_database WHERE datname = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = database } },
        };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Both servers' counts at one moment.</summary>
    /// <param name="At">When they were read (<see cref="Stopwatch.GetTimestamp"/>).</param>
    /// <param name="Primary">The primary's count.</param>
    /// <param name="Standby">The standby's count.</param>
    public sealed record Reading(long At, long Primary, long Standby)
    {
        /// <summary>The seconds from <paramref name="earlier"/> to this reading.</summary>
        /// <param name="earlier">An earlier reading.</param>
        public double SecondsSince(Reading earlier) => Stopwatch.GetElapsedTime(earlier.At, At).TotalSeconds;
    }
}
