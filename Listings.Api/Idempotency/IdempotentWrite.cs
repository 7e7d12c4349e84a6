using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Listings.Api.Data;
using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Idempotency;

/// <summary>
/// Runs a write under an <c>Idempotency-Key</c>: claims the key and performs the write in one transaction, or, when the
/// key was used before, returns the first answer without writing. Two requests racing with one key serialize on the
/// key's row: the second waits for the first to commit, then replays its answer. Keys belong to the user who sent them
/// (the row's identity is owner and key): another user's identical key is another key, never a replay.
/// </summary>
public static class IdempotentWrite
{
    /// <summary>The outcome of a keyed write.</summary>
    /// <param name="Listing">The listing the first answer carried, or null when the write did not happen.</param>
    /// <param name="StatusCode">The first answer's status, or the refusal's (404, 403) when nothing was written.</param>
    /// <param name="Location">The first answer's Location, for a creation.</param>
    /// <param name="Replayed">True when this answer repeats an earlier one.</param>
    /// <param name="Conflict">True when the key was used before for a different request.</param>
    public sealed record Outcome(ListingResponse? Listing, int StatusCode, string? Location, bool Replayed, bool Conflict);

    /// <summary>The fingerprint of a request: method, path and a SHA-256 of its body.</summary>
    public static string Fingerprint(HttpRequest request, ListingRequest body) =>
        $"{request.Method} {request.Path} " + Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(body)));

    /// <summary>
    /// Runs <paramref name="write"/> (which saves its changes and returns the listing to answer with, or the refusal when
    /// nothing was written: not found, not the owner) once per key of <paramref name="ownerId"/>.
    /// </summary>
    public static async Task<Outcome> RunAsync(
        ListingsDbContext db, Guid ownerId, string key, string fingerprint, int successStatus, Func<ListingResponse, string?> location,
        Func<CancellationToken, Task<ListingWrite>> write, TimeProvider clock, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async attemptToken =>
        {
            // A retried attempt starts clean: nothing of the failed one may be saved twice.
            db.ChangeTracker.Clear();
            var transaction = await db.Database.BeginTransactionAsync(attemptToken);
            try
            {
                var claimed = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"INSERT INTO idempotency_keys (owner_id, key, fingerprint, status_code, response_body, created_at) VALUES ({ownerId}, {key}, {fingerprint}, 0, 'null'::jsonb, {clock.GetUtcNow()}) ON CONFLICT (owner_id, key) DO NOTHING",
                    attemptToken);

                if (claimed == 0)
                {
                    var first = await db.Set<IdempotencyRecord>().AsNoTracking().SingleAsync(r => r.OwnerId == ownerId && r.Key == key, attemptToken);
                    await transaction.RollbackAsync(attemptToken);
                    return first.Fingerprint != fingerprint
                        ? new Outcome(null, 0, null, Replayed: false, Conflict: true)
                        : new Outcome(JsonSerializer.Deserialize<ListingResponse>(first.ResponseBody, JsonSerializerOptions.Web), first.StatusCode, first.Location, Replayed: true, Conflict: false);
                }

                var (listing, refusal) = await write(attemptToken);
                if (listing is null)
                {
                    // Nothing was written (not found, not the owner): the key is not spent.
                    await transaction.RollbackAsync(attemptToken);
                    return new Outcome(null, refusal, null, Replayed: false, Conflict: false);
                }

                var body = JsonSerializer.Serialize(listing, JsonSerializerOptions.Web);
                var where = location(listing);
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE idempotency_keys SET status_code = {successStatus}, location = {where}, response_body = {body}::jsonb WHERE owner_id = {ownerId} AND key = {key}",
                    attemptToken);
                await transaction.CommitAsync(attemptToken);
                return new Outcome(listing, successStatus, where, Replayed: false, Conflict: false);
            }
            catch (InvalidOperationException error) when (DatabaseConnectionLostException.Explains(db))
            {
                // Decided before the transaction is disposed: see DatabaseConnectionLostException.
                throw new DatabaseConnectionLostException(error);
            }
            finally
            {
                await transaction.DisposeAsync();
            }
        }, cancellationToken);
    }
}
