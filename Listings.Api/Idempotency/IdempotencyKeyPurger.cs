using Listings.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Idempotency;

/// <summary>
/// Deletes idempotency records older than <see cref="Retention"/> once the database is initialized, then hourly, so the
/// table stays small. Clients retry within minutes; a key reused after <see cref="Retention"/> writes anew.
/// </summary>
public sealed partial class IdempotencyKeyPurger(
    IServiceScopeFactory scopeFactory, DatabaseInitializer initializer, TimeProvider clock, ILogger<IdempotencyKeyPurger> logger)
    : BackgroundService
{
    /// <summary>How long a key is remembered.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Deletes the records older than <see cref="Retention"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ListingsDbContext>();
        var cutoff = clock.GetUtcNow() - Retention;
        return await db.Set<IdempotencyRecord>().Where(record => record.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The table exists once the migrations ran; if they failed for good, there is nothing to purge.
            await initializer.Completion.WaitAsync(stoppingToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                LogPurged(await PurgeAsync(stoppingToken));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The database may be away for a while; the next tick tries again.
                LogPurgeFailed(error.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged {Count} idempotency keys older than a day")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging old idempotency keys failed with {ExceptionType}; retrying in an hour")]
    private partial void LogPurgeFailed(string exceptionType);
}
