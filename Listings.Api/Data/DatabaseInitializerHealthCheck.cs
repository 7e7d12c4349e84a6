using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.Api.Data;

/// <summary>
/// Unhealthy until <see cref="DatabaseInitializer"/> has migrated and seeded, so no request reaches a replica whose schema
/// is not ready.
/// </summary>
internal sealed class DatabaseInitializerHealthCheck(DatabaseInitializer initializer) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "database-initialization";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var completion = initializer.Completion;
        var result = completion.Status switch
        {
            TaskStatus.RanToCompletion =>
                HealthCheckResult.Healthy($"Migrations applied; {completion.Result} listings seeded"),
            TaskStatus.Faulted =>
                // Only the problem's name or the error's type and SQLSTATE: /health answers anyone.
                HealthCheckResult.Unhealthy($"Database initialization failed: {Describe(completion.Exception!.GetBaseException())}"),
            TaskStatus.Canceled =>
                HealthCheckResult.Unhealthy("Database initialization was canceled"),
            _ when initializer.WaitingOn is { } problem =>
                HealthCheckResult.Unhealthy($"Database initialization waits for the connection to work ({problem.ToName()})"),
            _ => HealthCheckResult.Unhealthy("Database initialization in progress"),
        };

        return Task.FromResult(result);
    }

    private static string Describe(Exception error) =>
        ConnectionProblemClassifier.FindConnectionProblem(error)?.Name
        ?? (error is Npgsql.PostgresException postgres ? $"{error.GetType().Name} {postgres.SqlState}" : error.GetType().Name);
}
