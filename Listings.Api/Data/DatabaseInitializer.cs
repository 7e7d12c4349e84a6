using Microsoft.Extensions.Options;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Listings.Api.Data;

/// <summary>
/// With <see cref="DatabaseInitializationOptions.MigrateOnStart"/>, migrates and seeds on the
/// <see cref="MigrationConnection"/> in the background, so the host answers its probes meanwhile; without it, leaves both
/// to the migration runner (<c>migrate</c>). On the service's login it uses a connection of the service's pool, never one
/// more. Retries while the database is unreachable and never stops the host; <see cref="DatabaseInitializerHealthCheck"/>
/// reports the outcome.
/// </summary>
public sealed partial class DatabaseInitializer(
    IConfiguration configuration,
    IOptions<DatabaseInitializationOptions> options,
    NpgsqlDataSource pool,
    LoginBackoff backoff,
    ILogger<DatabaseInitializer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ConnectionProblemRetryDelay = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the number of listings seeded, faults when initialization failed for good.</summary>
    public Task<int> Completion => _completion.Task;

    /// <summary>The connection problem initialization waits on, or null.</summary>
    public ConnectionProblemKind? WaitingOn { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            LogLeftToRunner(DatabaseInitializationOptions.MigrateOnStartKey);
            _completion.TrySetResult(0);
            return;
        }

        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            var delay = RetryDelay;
            try
            {
                var seeded = await InitializeAsync(stoppingToken);
                WaitingOn = null;
                LogInitialized(seeded);
                _completion.TrySetResult(seeded);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (LoginBackoffException paused)
            {
                // A refused login pauses connecting for everyone (LoginBackoff): try again when the pause ends.
                WaitFor(ConnectionProblemClassifier.FindConnectionProblem(paused)?.Kind ?? ConnectionProblemKind.Other, paused.RetryAfter!.Value);
                delay = paused.RetryAfter.Value;
            }
            catch (Exception exception) when (IsWorthRetrying(exception))
            {
                var cause = ConnectionProblemClassifier.FindTransient(exception) ?? exception.GetBaseException();
                LogAttemptFailed(attempt, cause.GetType().Name, cause.Message, RetryDelay);
            }
            catch (Exception exception) when (ConnectionProblemClassifier.FindConnectionProblem(exception)?.Kind is { } problem)
            {
                // A wrong password, a missing pg_hba.conf line or database can be fixed while the service runs: keep
                // trying, slowly (a pooler may ban a client that fails to log in often). The fix was logged at start.
                WaitFor(problem, ConnectionProblemRetryDelay);
                delay = ConnectionProblemRetryDelay;
            }
            catch (Exception exception)
            {
                LogFailed(exception);
                _completion.TrySetException(exception);
                return;
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _completion.TrySetCanceled(stoppingToken);
    }

    private void WaitFor(ConnectionProblemKind problem, TimeSpan delay)
    {
        if (problem != WaitingOn)
        {
            LogConnectionFailed(problem.ToName(), delay);
            WaitingOn = problem;
        }
    }

    private async Task<int> InitializeAsync(CancellationToken cancellationToken)
    {
        var plan = MigrationConnection.Plan(configuration);
        if (!MigrationConnection.SharesServiceLogin(configuration))
        {
            var own = new DbContextOptionsBuilder<ListingsDbContext>().UseNpgsql(plan.ConnectionString).Options;
            return await DatabaseMigrator.MigrateAndSeedAsync(own, plan.MigrationLimits, options.Value.SeedCount, cancellationToken);
        }

        // The service's login: a refusal pauses it for everyone (LoginBackoff), this flow included, so a wrong password
        // costs one failed login per pause.
        var attempt = backoff.Enter();
        try
        {
            var pooled = new DbContextOptionsBuilder<ListingsDbContext>().UseNpgsql(pool).Options;
            var seeded = await DatabaseMigrator.MigrateAndSeedAsync(pooled, plan.MigrationLimits, options.Value.SeedCount, cancellationToken);
            backoff.Succeeded(attempt);
            return seeded;
        }
        catch (Exception error) when (backoff.Failed(attempt, error) is { } paused)
        {
            throw paused;
        }
    }

    // Replicas starting together race to create the database: the loser's next attempt finds it.
    private static bool IsWorthRetrying(Exception exception) =>
        ConnectionProblemClassifier.FindTransient(exception) is not null
        || exception.GetBaseException() is PostgresException { SqlState: PostgresErrorCodes.DuplicateDatabase };

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrations and seed are left to the migration runner ({Key} is false)")]
    private partial void LogLeftToRunner(string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database initialized: migrations applied, {Seeded} listings seeded")]
    private partial void LogInitialized(int seeded);

    // Npgsql messages name the host at most, never the connection string or its password.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Database initialization attempt {Attempt} failed with {ExceptionType}: {Reason}; retrying in {Delay}")]
    private partial void LogAttemptFailed(int attempt, string exceptionType, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database initialization failed and will not be retried")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Database initialization waits: the connection fails ({Problem}), see the database connection problem logged at start; trying again in {Delay}, then until it is fixed")]
    private partial void LogConnectionFailed(string problem, TimeSpan delay);
}
