using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.AppHost.Database.External;

/// <summary>
/// Gives an external database's row in the dashboard a health state: Aspire runs no health check on a connection string
/// resource (aspire#11139). It is marked running and probed as the API connects, so a wrong password shows as Unhealthy.
/// </summary>
public static class ExternalDatabaseHealth
{
    /// <summary>Adds the probe to <paramref name="database"/> and marks it running once the app starts.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> WithExternalDatabaseHealth(this IResourceBuilder<IResourceWithConnectionString> database)
    {
        var builder = database.ApplicationBuilder;
        var healthCheckKey = $"{database.Resource.Name}_probe";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new ExternalDatabaseHealthCheck(database.Resource, builder.Configuration), failureStatus: null, tags: null));

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>(async (@event, ct) =>
            await @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database.Resource, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }).ConfigureAwait(false));

        return database.WithHealthCheck(healthCheckKey);
    }

    private sealed class ExternalDatabaseHealthCheck(IResourceWithConnectionString database, IConfiguration configuration) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
            var options = ConnectionPoolOptions.Bind(configuration).Pool;
            if (!ConnectionTarget.TryRead(connectionString, $"ConnectionStrings:{database.Name}", options.Mode, options.PreferredMode, "Listings.AppHost", null, out var target, out var error))
            {
                return HealthCheckResult.Unhealthy($"The connection cannot be read: {error}");
            }

            // The problem's message names the host and user at most, never the password.
            var survey = await ServerSurvey.ReadAsync(target!, probePreparedStatements: false, cancellationToken).ConfigureAwait(false);
            return survey.Facts is { } server
                ? HealthCheckResult.Healthy($"PostgreSQL {server.Version} answers over the {target!.Mode.ToName()} connection")
                : HealthCheckResult.Unhealthy($"{survey.Problem!.Name}: {survey.Problem.Message} Fix: {survey.Problem.Fix}");
        }
    }
}
