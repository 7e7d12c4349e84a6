using Microsoft.Extensions.Options;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Listings.Api.Data;

/// <summary>
/// With <see cref="DatabaseInitializationOptions.MigrateOnStart"/>, applies the EF Core migrations on the
/// <see cref="MigrationConnection"/>, then seeds the table when configured to, in the background so the host answers its
/// probes meanwhile; without it, completes at once and leaves both to the migration runner (<c>migrate</c>). On the
/// service's own login the migrations take a connection of the service's pool, so they never add one to the plan. Retries
/// while the database is unreachable and never stops the host: <see cref="DatabaseInitializerHealthCheck"/> reports the outcome.
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

    /// <summary>
    /// Completes with the number of listings seeded once the database is ready; faults when initialization
    /// failed for good; stays pending while it is in progress.
    /// </summary>
    public Task<int> Completion => _completion.Task;

    /// <summary>The connection problem initialization is waiting on (its name), or null when there is none.</summary>
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
                // The login was refused: connecting is paused for everyone (LoginBackoff), so the next attempt is when it
                // ends, not sooner. Said once per problem, like the other connection problems.
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
                // A wrong password, a missing pg_hba.conf line or database can be fixed on the server while the service
                // runs: keep trying, slowly (a pooler may ban a client that fails to log in often), and say so once per
                // problem. The reporter logged the problem and its fix at start; a stack trace would only bury it.
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

        // The service's own login: a refused one pauses it for everyone (LoginBackoff), this flow included, so a wrong
        // password costs one failed login per pause, never one more for the migration.
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

    // Replicas starting together race to create the database; the loser sees duplicate_database and
    // succeeds on the next attempt, when the database exists.
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
