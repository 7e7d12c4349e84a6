using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;
using NpgsqlTypes;

namespace Listings.Api.Caching;

/// <summary>
/// Hears the other API replicas' writes: <c>LISTEN listings_cache</c> on one connection to the primary, kept open, and
/// for each notification (sent inside the write's transaction, so delivered at commit and never for a rollback) evicts
/// what the write changed. On every (re)connect it evicts everything, since notifications sent while it was away are
/// lost; while it is away, entries live at most <see cref="CacheOptions.MaxStaleSeconds"/> (<see cref="ListenerState"/>).
/// </summary>
/// <remarks>
/// A transaction pooler cannot carry <c>LISTEN</c> (PgBouncer accepts it and delivers nothing), nor can a standby. The
/// listener keeps one connection of the service's own pool, inside its plan, when that is direct or a session pooler;
/// behind a transaction pooler it opens one of the migrations' connection (<c>ConnectionStrings:listingsdb-migrations</c>,
/// direct or session) instead; with neither it never listens, and the cache keeps nothing longer than
/// <see cref="CacheOptions.MaxStaleSeconds"/>. Its connects wait out the pool's login backoff.
/// </remarks>
public sealed partial class CacheInvalidationListener(
    ListingCache cache, ListenerState state, LoginBackoff logins, NpgsqlDataSource primary, ConnectionPlan plan,
    IConfiguration configuration, TimeProvider clock, ILogger<CacheInvalidationListener> logger) : BackgroundService
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var open = Opener();
        if (open is null)
        {
            LogNoListener(plan.Mode?.ToName());
            return;
        }

        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await open(stoppingToken);
                await ListenAsync(connection, stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                if (state.IsListening)
                {
                    // Writes from now on go unheard: nothing cached so far may outlive MaxStaleSeconds from here.
                    state.Listening(false);
                    LogDown(ConnectionProblemClassifier.FindConnectionProblem(error)?.Name ?? error.GetBaseException().GetType().Name);
                    await cache.EvictAllAsync(cache.Floor, "listener-down", CancellationToken.None);
                }

                await Task.Delay(backoff, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }

            backoff = TimeSpan.FromMilliseconds(100);
        }

        state.Listening(false);
    }

    private async Task ListenAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        var received = new List<string>();
        connection.Notification += (_, notification) => received.Add(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {CacheNotifications.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever was written while nobody listened is evicted now, at or past the primary's position.
        await cache.EvictAllAsync(await PositionAsync(connection, stoppingToken), "listener-up", stoppingToken);
        state.Listening(true);
        LogUp();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(Wait, stoppingToken) && received.Count == 0)
            {
                continue;
            }

            // Every notification delivered so far was committed before this position: fills read at or past it.
            var position = await PositionAsync(connection, stoppingToken);
            foreach (var payload in received)
            {
                if (CacheNotifications.Read(payload) is { } write && write.Source != CacheNotifications.Source)
                {
                    await cache.EvictAsync(write.Ids, position, "remote", stoppingToken);
                    CacheMetrics.EvictionDelay.Record(Math.Max(0, (clock.GetUtcNow() - write.At).TotalSeconds));
                }
            }

            received.Clear();
        }
    }

    private static async Task<NpgsqlLogSequenceNumber> PositionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn() /* cache listener */", connection);
        return (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // One connection of the service's own pool (inside its plan) when it can carry LISTEN, else one of the migrations'
    // connection when configured; else none. Either waits out the pool's login backoff.
    private Func<CancellationToken, Task<NpgsqlConnection>>? Opener()
    {
        if (plan.Mode is { } mode && !mode.IsTransactionPooling())
        {
            return token => OpenAsync(primary.CreateConnection(), token);
        }

        if (configuration.GetConnectionString(Data.MigrationConnection.ConnectionName) is not { Length: > 0 }
            || Data.MigrationConnection.Plan(configuration).ConnectionString is not { } direct)
        {
            return null;
        }

        var connectionString = new NpgsqlConnectionStringBuilder(direct)
        {
            Pooling = false,
            // A backend that hangs is noticed within about two keepalives; one that is killed at once.
            KeepAlive = 1,
            ApplicationName = plan.ApplicationName + " cache listener",
        }.ConnectionString;
        return token => OpenAsync(new NpgsqlConnection(connectionString), token);
    }

    private async Task<NpgsqlConnection> OpenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var attempt = logins.Enter();
        try
        {
            await connection.OpenAsync(cancellationToken);
            logins.Succeeded(attempt);
            return connection;
        }
        catch (Exception error) when (logins.Failed(attempt, error) is { } paused)
        {
            await connection.DisposeAsync();
            throw paused;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cache cannot hear other replicas' writes: the connection is a {Mode}, which cannot carry LISTEN, and ConnectionStrings:listingsdb-migrations is not set. Cached reads live at most Cache:MaxStaleSeconds; set ConnectionStrings:listingsdb-migrations to a direct or session connection to listen.")]
    private partial void LogNoListener(string? mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "The cache listens for other replicas' writes.")]
    private partial void LogUp();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cache's listener lost its connection ({Problem}): every entry was evicted, and entries live at most Cache:MaxStaleSeconds until it is back.")]
    private partial void LogDown(string problem);
}
