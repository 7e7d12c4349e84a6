using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Listings.Api.Data;

/// <summary>Registers the listings database: the DbContext, its initialization and their health checks.</summary>
public static class ListingsDataExtensions
{
    /// <summary>The name of the connection string, and of the database resource in the AppHost.</summary>
    public const string ConnectionName = "listingsdb";

    /// <summary>
    /// Adds <see cref="ListingsDbContext"/> on the connection the pool policy plans, with the retries of
    /// <see cref="DatabaseRetryOptions"/> and the interceptors registered as <see cref="IInterceptor"/> (row-level
    /// security's, when on), and the background <see cref="DatabaseInitializer"/> with its health check.
    /// </summary>
    /// <exception cref="ServiceDefaults.ConnectionPool.ConnectionPlanException">The plan is refused; the message says why.</exception>
    public static async Task AddListingsDataAsync(this IHostApplicationBuilder builder)
    {
        // Read now: the execution strategy is chosen here.
        var retry = builder.BindSettingsNow(DatabaseRetryOptions.SectionName, new DatabaseRetryOptionsValidator());

        await builder.AddNpgsqlDbContextWithPoolPolicyAsync<ListingsDbContext>(
            ConnectionName,
            (services, options) => options.AddInterceptors(services.GetServices<IInterceptor>()).UseNpgsql(npgsql =>
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
            }),
            Caching.CacheInvalidationListener.ConnectionsKept(builder.Configuration));

        builder.Services.AddOptions<DatabaseInitializationOptions>()
            .BindConfiguration(DatabaseInitializationOptions.SectionName)
            .Configure(options => options.MigrateOnStart = builder.Configuration.GetValue(DatabaseInitializationOptions.MigrateOnStartKey, options.MigrateOnStart))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseInitializationOptions>, DatabaseInitializationOptionsValidator>();

        builder.Services.AddSingleton<DatabaseInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseInitializer>());
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseInitializerHealthCheck>(DatabaseInitializerHealthCheck.Name);
    }
}
