using Listings.Benchmarks.Faults.Load;
using Npgsql;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>
/// The client's writes checked against the table: every title holds its key, so the rows per key are counted in SQL
/// and compared with what the client was told.
/// </summary>
/// <param name="Keys">Writes started (one key each).</param>
/// <param name="Attempts">Write requests sent, retries included.</param>
/// <param name="Acknowledged">Keys answered 201 or 200.</param>
/// <param name="AcknowledgedStored">Acknowledged keys with exactly one row.</param>
/// <param name="Lost">Acknowledged keys with no row.</param>
/// <param name="DuplicatedKeys">Keys with more than one row.</param>
/// <param name="DuplicateRows">Rows beyond the first of those keys.</param>
/// <param name="IdMismatches">Acknowledged keys whose row has another id than the answer said.</param>
/// <param name="Unacknowledged">Keys the client gave up on (drain limit) or the API refused: their outcome is unknown to the client.</param>
/// <param name="UnacknowledgedStored">Of those, keys that have a row anyway.</param>
/// <param name="Rejected">Keys the API refused with a 4xx, by final status.</param>
/// <param name="UnknownRows">Rows with the run's marker but a key the client never sent.</param>
public sealed record WriteAudit(
    int Keys,
    int Attempts,
    int Acknowledged,
    int AcknowledgedStored,
    int Lost,
    int DuplicatedKeys,
    int DuplicateRows,
    int IdMismatches,
    int Unacknowledged,
    int UnacknowledgedStored,
    IReadOnlyDictionary<string, int> Rejected,
    int UnknownRows)
{
    /// <summary>Counts the rows written under <paramref name="marker"/> and compares them with <paramref name="writes"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="database">The API's database.</param>
    /// <param name="marker">The marker every title of the scenario starts with.</param>
    /// <param name="writes">The client's writes.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    public static async Task<WriteAudit> CountAsync(PostgresServer server, string database, string marker,
        IReadOnlyCollection<WriteRecord> writes, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        await using (var connection = await server.OpenAsync(database, cancellationToken))
        await using (var command = new NpgsqlCommand("SELECT title, id FROM listings WHERE starts_with(title, @prefix)", connection))
        {
            command.Parameters.AddWithValue("prefix", marker + " ");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0)[(marker.Length + 1)..];
                if (!rows.TryGetValue(key, out var ids))
                {
                    rows[key] = ids = [];
                }

                ids.Add(reader.GetInt64(1));
            }
        }

        int RowsOf(string key) => rows.TryGetValue(key, out var ids) ? ids.Count : 0;
        var acknowledged = writes.Where(w => w.Acknowledged).ToList();
        var unacknowledged = writes.Where(w => !w.Acknowledged).ToList();
        var sent = writes.Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        return new WriteAudit(
            writes.Count,
            writes.Sum(w => w.Attempts),
            acknowledged.Count,
            acknowledged.Count(w => RowsOf(w.Key) == 1),
            acknowledged.Count(w => RowsOf(w.Key) == 0),
            rows.Count(r => r.Value.Count > 1),
            rows.Sum(r => Math.Max(0, r.Value.Count - 1)),
            acknowledged.Count(w => RowsOf(w.Key) == 1 && w.ListingId != rows[w.Key][0]),
            unacknowledged.Count,
            unacknowledged.Count(w => RowsOf(w.Key) > 0),
            writes.Where(w => w.Rejected).GroupBy(w => w.FinalOutcome).ToDictionary(g => g.Key, g => g.Count()),
            rows.Keys.Count(k => !sent.Contains(k)));
    }
}
