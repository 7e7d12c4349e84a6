using Listings.Api.Data;
using Microsoft.EntityFrameworkCore;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Options;

namespace Listings.Api.Commands;

/// <summary>
/// <c>migrate</c>: applies the migrations and the seed on the <see cref="MigrationConnection"/> and exits 0, or 1 when
/// the connection is refused or fails (the problem and its fix logged), so the AppHost starts the API only after it. The
/// other arguments are configuration, as for the service.
/// </summary>
public static partial class MigrateCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "migrate";

    private const int Attempts = 3;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Runs the command with the service's configuration and telemetry.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        builder.Services.AddOptions<DatabaseInitializationOptions>()
            .BindConfiguration(DatabaseInitializationOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseInitializationOptions>, DatabaseInitializationOptionsValidator>();

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand).FullName!);
        try
        {
            var seedCount = host.Services.GetRequiredService<IOptions<DatabaseInitializationOptions>>().Value.SeedCount;
            var plan = MigrationConnection.Plan(builder.Configuration);
            LogConnection(logger, plan.Mode!.Value.ToName(), plan.Host!, plan.Port ?? 0, plan.Source!);

            var seeded = await RunWithRetriesAsync(plan, seedCount, logger);
            LogDone(logger, seeded);
            return 0;
        }
        catch (Exception error) when (error is ConnectionPlanException or OptionsValidationException)
        {
            LogRefused(logger, error.Message);
            return 1;
        }
        catch (Exception error) when (ConnectionProblemClassifier.FindConnectionProblem(error) is { } problem)
        {
            LogConnectionFailed(logger, problem.Name, problem.Message, problem.Fix);
            return 1;
        }
        finally
        {
            // Flush the telemetry exporters before the process ends.
            await host.StopAsync();
        }
    }

    private static async Task<int> RunWithRetriesAsync(ConnectionPlan plan, int seedCount, ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DatabaseMigrator.MigrateAndSeedAsync(
                    new DbContextOptionsBuilder<ListingsDbContext>().UseNpgsql(plan.ConnectionString).Options, plan.MigrationLimits, seedCount, CancellationToken.None);
            }
            catch (Exception error) when (attempt < Attempts && ConnectionProblemClassifier.FindTransient(error) is { } cause)
            {
                LogRetrying(logger, attempt, cause.GetType().Name, cause.Message, RetryDelay);
                await Task.Delay(RetryDelay);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrating over the {Mode} connection to {Host}:{Port} ({Source})")]
    private static partial void LogConnection(ILogger logger, string mode, string host, int port, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrated: migrations applied, {Seeded} listings seeded")]
    private static partial void LogDone(ILogger logger, int seeded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration attempt {Attempt} failed with {ExceptionType}: {Reason}; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, int attempt, string exceptionType, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migrations not run: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migrations failed: the connection fails ({Problem}): {Message} Fix: {Fix}")]
    private static partial void LogConnectionFailed(ILogger logger, string problem, string message, string fix);
}
