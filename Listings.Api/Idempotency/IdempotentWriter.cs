using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Listings.Api.Data;
using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Idempotency;

/// <summary>
/// Runs a create or update once per <c>Idempotency-Key</c>: claims the key and performs the write in one transaction,
/// or, when the key was used before, answers with the first answer without writing. Two requests racing with one key
/// serialize on the key's row: the second waits for the first to commit, then replays its answer. Keys belong to the
/// user who sent them (the row's identity is owner and key): another user's identical key is another key, never a
/// replay.
/// </summary>
/// <param name="db">The request's database session, the one the write uses.</param>
/// <param name="clock">The clock a claimed key's age comes from.</param>
public sealed class IdempotentWrite(ListingsDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Runs <paramref name="write"/> once per key of <paramref name="ownerId"/>, the client's or else one of this
    /// request's own, and marks a replay to a client key with <c>Idempotent-Replayed: true</c>.
    /// </summary>
    /// <param name="http">The request (method, path) and its response (the replay header).</param>
    /// <param name="ownerId">The user sending the request.</param>
    /// <param name="clientKey">The client's <c>Idempotency-Key</c>, or null when the request has none.</param>
    /// <param name="body">The request body, part of the fingerprint a repeat must match.</param>
    /// <param name="successStatus">The status a written answer has (201, 200), remembered with the key.</param>
    /// <param name="write">
    /// Saves its changes and returns <see cref="ListingWrite.Written"/>, or the refusal when it wrote nothing
    /// (<see cref="ListingWrite.NotFound"/>, <see cref="ListingWrite.NotOwner"/>); runs again on a retry.
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// <see cref="ListingWrite.Written"/>; <see cref="ListingWrite.Replayed"/> for a repeat;
    /// <see cref="ListingWrite.KeyConflict"/> for the key with another request; or the write's refusal.
    /// </returns>
    public async Task<ListingWrite> RunOnceAsync(
        HttpContext http, Guid ownerId, string? clientKey, ListingRequest body, int successStatus,
        Func<CancellationToken, Task<ListingWrite>> write, CancellationToken cancellationToken)
    {
        // Without a client key the write still runs under a key of its own: when the service retries a write whose
        // commit went through but whose answer was lost (a connection broken at that moment), the retry finds the key and
        // returns the first answer instead of writing a second listing.
        var outcome = await RunAsync(
            ownerId, clientKey ?? IdempotencyKey.NewServerKey(), Fingerprint(http.Request, body), successStatus, write, cancellationToken);
        if (outcome is ListingWrite.Replayed && clientKey is not null)
        {
            http.Response.Headers[IdempotencyKey.ReplayedHeaderName] = "true";
        }

        return outcome;
    }

    // Method, path and a SHA-256 of the body: the same key must come with the same request.
    private static string Fingerprint(HttpRequest request, ListingRequest body) =>
        $"{request.Method} {request.Path} " + Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(body)));

    private async Task<ListingWrite> RunAsync(
        Guid ownerId, string key, string fingerprint, int successStatus, Func<CancellationToken, Task<ListingWrite>> write,
        CancellationToken cancellationToken)
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
                        ? new ListingWrite.KeyConflict()
                        : new ListingWrite.Replayed(JsonSerializer.Deserialize<ListingResponse>(first.ResponseBody, JsonSerializerOptions.Web)
                            ?? throw new InvalidOperationException($"The idempotency record of key '{key}' holds no answer."));
                }

                var outcome = await write(attemptToken);
                if (outcome is not ListingWrite.Written(var listing))
                {
                    // Nothing was written (not found, not the owner): the key is not spent.
                    await transaction.RollbackAsync(attemptToken);
                    return outcome;
                }

                var answer = JsonSerializer.Serialize(listing, JsonSerializerOptions.Web);
                var location = ListingsApi.LocationOf(listing);
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE idempotency_keys SET status_code = {successStatus}, location = {location}, response_body = {answer}::jsonb WHERE owner_id = {ownerId} AND key = {key}",
                    attemptToken);
                await transaction.CommitAsync(attemptToken);
                return outcome;
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
