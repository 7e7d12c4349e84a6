using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>The connection-pool policy's entry point (see <c>ServiceDefaults/ConnectionPool/README.md</c>).</summary>
public static class ConnectionPoolExtensions
{
    /// <summary>
    /// Plans the connection once (<see cref="ConnectionPlanner.PlanAsync"/>), builds the <see cref="NpgsqlDataSource"/>
    /// from the plan, and registers <typeparamref name="TContext"/> on it with the policy's interceptors, observers and
    /// <c>/health</c> check. <paramref name="configureDbContextOptions"/> adds context options, such as an execution strategy or the
    /// app's own interceptors, from the app's services.
    /// </summary>
    /// <returns>The plan the pool runs on.</returns>
    /// <exception cref="ConnectionPlanException">The plan is refused; the message lists every reason and its fix.</exception>
    public static async Task<ConnectionPlan> AddNpgsqlDbContextWithPoolPolicyAsync<TContext>(
        this IHostApplicationBuilder builder, string connectionName, Action<IServiceProvider, DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        var plan = await ConnectionPlanner.PlanAsync(builder.Configuration, connectionName, builder.Environment.ApplicationName);
        if (plan.RefusalReasons.Count > 0)
        {
            throw new ConnectionPlanException(plan);
        }

        var options = ConnectionPoolOptions.Bind(builder.Configuration);
        var usage = new PoolUsage(plan.MaxPoolSize);
        var backoff = new LoginBackoff(options.Logins, TimeProvider.System);
        if (plan.ServerFailure is { } failure)
        {
            // A login refused at start pauses the pool's first attempts like any other refusal.
            backoff.Refused(failure);
        }

        // The usage interceptor first: it times the whole open, the opener's waits included.
        List<IInterceptor> interceptors = [new PoolUsageInterceptor(usage, connectionName), new ConnectionOpener(plan, backoff)];
        if (plan is { LimitsSetBy: StatementLimitsSetBy.SetLocal, Limits: { } limits })
        {
            interceptors.Add(new StatementLimitsInterceptor(limits));
        }

        // Built from the plan when first needed, with the app's logging: Npgsql's warnings and errors reach the dashboard.
        builder.Services.AddSingleton(services => new NpgsqlDataSourceBuilder(plan.ConnectionString)
        {
            // The pool's name tags Npgsql's metrics; by default it is the connection string, password included.
            Name = connectionName,
        }.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>()).Build());
        builder.Services.AddDbContextPool<TContext>((services, context) =>
        {
            context.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>());
            context.AddInterceptors(interceptors);
            configureDbContextOptions?.Invoke(services, context);
        });
        builder.EnrichNpgsqlDbContext<TContext>(settings =>
        {
            // Retries are the caller's (configureDbContextOptions); the database check below replaces Aspire's, which
            // would wait in a saturated pool for the whole Timeout.
            settings.DisableRetry = true;
            settings.DisableHealthChecks = true;
            // An Activity per command costs CPU on every request; worth it only when a collector receives it.
            settings.DisableTracing = !builder.HasTelemetryExporter();
        });

        builder.Services.AddSingleton(plan);
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<ConnectionPlanLog>();
        builder.Services.AddSingleton(usage);
        builder.Services.AddSingleton(services => backoff.WithLogger(services.GetRequiredService<ILogger<LoginBackoff>>()));
        builder.Services.AddSingleton<PoolWarmer>();
        builder.Services.AddSingleton(services => new PoolUsageSampler(usage, plan, services.GetService<IRequestQueue>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<PoolUsageSampler>());
        // The usage interceptor names the request that holds a connection through the accessor's shared storage.
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<LongHoldMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LongHoldMonitor>());
        builder.Services.AddSingleton<FleetConnectionMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FleetConnectionMonitor>());
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>(DatabaseHealthCheck<TContext>.Name);

        return plan;
    }
}
