using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.AppHost.Database.External;

/// <summary>
/// Gives an external database's row in the dashboard a health state. Aspire runs no health check on a connection
/// string resource (aspire#11139): it never leaves its initial state. This one is marked running at start and probed
/// as the API would connect, through the pool policy, so a wrong password shows as Unhealthy with the problem's name.
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
            var options = configuration.GetSection(ConnectionPoolPolicyExtensions.SectionName).Get<ConnectionPoolOptions>() ?? new();
            var plan = ConnectionPlanner.Plan(connectionString, $"ConnectionStrings:{database.Name}", options, applicationName: "Listings.AppHost");
            if (plan.Errors.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"The connection plan is refused: {string.Join(" ", plan.Errors)}");
            }

            // The problem's message names the host and user at most, never the password.
            var (server, problem) = await ServerFacts.TryReadAsync(plan, cancellationToken).ConfigureAwait(false);
            return problem is null
                ? HealthCheckResult.Healthy($"PostgreSQL {server!.Version} answers over the {plan.ModeName} connection")
                : HealthCheckResult.Unhealthy($"{problem.Name}: {problem.Message} Fix: {problem.Fix}");
        }
    }
}
