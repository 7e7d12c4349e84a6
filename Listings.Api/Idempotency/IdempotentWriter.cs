using System.Text.Json;
using Listings.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Idempotency;

/// <summary>
/// Runs a write once per <c>Idempotency-Key</c>: claims the key and writes in one transaction, or replays the first answer
/// of a used key. Two requests racing with one key serialize on its row: the second replays the first's answer.
/// </summary>
/// <param name="db">The request's session, the one the write uses; its model maps <see cref="IdempotencyRecord"/>.</param>
/// <param name="clock">Dates the claimed keys.</param>
public sealed class IdempotentWriter(DbContext db, TimeProvider clock)
{
    /// <summary>Runs <paramref name="write"/> once per key of its user.</summary>
    public async Task<Idempotent<TResult, TAnswer>> RunOnceAsync<TResult, TAnswer>(
        IdempotentWrite<TResult, TAnswer> write, CancellationToken cancellationToken)
        where TAnswer : class
    {
        // Without a client key the write still runs under a key of its own: a retry of a write whose commit went through
        // but whose answer was lost finds the key and returns the first answer.
        var key = write.ClientKey ?? IdempotencyKey.NewServerKey();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async Task<Idempotent<TResult, TAnswer>> (attemptToken) =>
        {
            // A retried attempt starts clean: nothing of the failed one may be saved twice.
            db.ChangeTracker.Clear();
            var transaction = await db.Database.BeginTransactionAsync(attemptToken);
            try
            {
                var claimed = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"INSERT INTO idempotency_keys (owner_id, key, fingerprint, response_body, created_at) VALUES ({write.OwnerId}, {key}, {write.Fingerprint}, 'null'::jsonb, {clock.GetUtcNow()}) ON CONFLICT (owner_id, key) DO NOTHING",
                    attemptToken);
                if (claimed == 0)
                {
                    var first = await db.Set<IdempotencyRecord>().AsNoTracking().SingleAsync(r => r.OwnerId == write.OwnerId && r.Key == key, attemptToken);
                    await transaction.RollbackAsync(attemptToken);
                    return first.Fingerprint != write.Fingerprint
                        ? new Idempotent<TResult, TAnswer>.KeyReused()
                        : new Idempotent<TResult, TAnswer>.Replayed(JsonSerializer.Deserialize<TAnswer>(first.ResponseBody, JsonSerializerOptions.Web)
                            ?? throw new InvalidOperationException($"The idempotency record of key '{key}' holds no answer."));
                }

                var result = await write.Run(attemptToken);
                if (write.AnswerOf(result) is not { } answer)
                {
                    // Nothing was written (not found, not the owner): the key is not spent.
                    await transaction.RollbackAsync(attemptToken);
                    return new Idempotent<TResult, TAnswer>.Ran(result);
                }

                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE idempotency_keys SET response_body = {JsonSerializer.Serialize(answer, JsonSerializerOptions.Web)}::jsonb WHERE owner_id = {write.OwnerId} AND key = {key}",
                    attemptToken);
                await transaction.CommitAsync(attemptToken);
                return new Idempotent<TResult, TAnswer>.Ran(result);
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
