using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Listings.Api.Data;

/// <summary>Registers the listings database: the DbContext, its initialization and their health checks.</summary>
public static class ListingsDataExtensions
{
    /// <summary>The name of the connection string, and of the database resource in the AppHost.</summary>
    public const string ConnectionName = "listingsdb";

    /// <summary>
    /// Adds <see cref="ListingsDbContext"/> through Aspire (context pooling, health check, telemetry) on a connection
    /// planned by the connection-pool policy (see ServiceDefaults' <c>ConnectionPool</c>), and the background
    /// <see cref="DatabaseInitializer"/> with its <c>database-initialization</c> health check.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    public static TBuilder AddListingsData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Read now: the execution strategy is chosen here.
        var retry = builder.BindSettingsNow(DatabaseRetryOptions.SectionName, new DatabaseRetryOptionsValidator());

        builder.AddNpgsqlDbContextWithPoolPolicy<ListingsDbContext>(
            ConnectionName,
            settings =>
            {
                // Retries are configured here (DatabaseRetry), not by Aspire's stock policy of six retries up to 30 s apart.
                settings.DisableRetry = true;
                // An Activity per command costs CPU on every request; worth it only when a collector receives it.
                settings.DisableTracing = !builder.HasTelemetryExporter();
            },
            options => options.UseNpgsql(npgsql =>
            {
                if (retry.MaxRetryCount == 0)
                {
                    return;
                }

                if (retry.RetryBudgetMilliseconds == 0)
                {
                    npgsql.EnableRetryOnFailure(retry.MaxRetryCount, TimeSpan.FromSeconds(retry.MaxRetryDelaySeconds), errorCodesToAdd: null);
                }
                else
                {
                    npgsql.ExecutionStrategy(dependencies => new BoundedRetryingExecutionStrategy(dependencies, retry));
                }
            }));

        builder.Services.AddOptions<DatabaseInitializationOptions>()
            .BindConfiguration(DatabaseInitializationOptions.SectionName)
            .Configure(options => options.MigrateOnStart = builder.Configuration.GetValue(DatabaseInitializationOptions.MigrateOnStartKey, options.MigrateOnStart))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseInitializationOptions>, DatabaseInitializationOptionsValidator>();

        builder.Services.AddSingleton<DatabaseInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseInitializer>());
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseInitializerHealthCheck>(DatabaseInitializerHealthCheck.Name);

        return builder;
    }
}
