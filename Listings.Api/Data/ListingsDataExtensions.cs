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
        builder.AddNpgsqlDbContextWithPoolPolicy<ListingsDbContext>(
            ConnectionName,
            // Aspire's default of six retries with back-off holds a request for about a minute while the
            // database is down. Two quick retries ride out a blip; past that the client gets a 503 with
            // Retry-After at once, and DatabaseInitializer keeps its own retry loop.
            settings => settings.DisableRetry = true,
            options => options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(
                maxRetryCount: 2, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)));

        builder.Services.AddOptions<DatabaseInitializationOptions>()
            .BindConfiguration(DatabaseInitializationOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseInitializationOptions>, DatabaseInitializationOptionsValidator>();

        builder.Services.AddSingleton<DatabaseInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseInitializer>());
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseInitializerHealthCheck>(DatabaseInitializerHealthCheck.Name);

        return builder;
    }
}
