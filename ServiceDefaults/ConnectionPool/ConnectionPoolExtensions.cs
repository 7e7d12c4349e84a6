using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers an EF Core context on PostgreSQL with the connection-pool policy applied: the policy's one entry point.</summary>
public static class ConnectionPoolExtensions
{
    /// <summary>
    /// Plans the connection once (<see cref="ConnectionPlanner.PlanAsync"/>: the configuration, then the server's
    /// <c>max_connections</c> and, behind a pooler that may keep them, the prepared-statement probe), builds the
    /// <see cref="NpgsqlDataSource"/> from that plan, and registers <typeparamref name="TContext"/> on it
    /// (<c>AddDbContextPool</c>, with Aspire's <c>EnrichNpgsqlDbContext</c> for tracing and the <c>Npgsql</c> meter), with
    /// the interceptors, observers and <c>/health</c> check of the policy. The plan is logged when the host starts.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="connectionName">The connection string's name: <c>ConnectionStrings:&lt;name&gt;</c>, else <c>DATABASE_URL</c>.</param>
    /// <param name="configureDbContextOptions">More context options, such as an execution strategy.</param>
    /// <returns>The plan the pool runs on.</returns>
    /// <exception cref="ConnectionPlanException">The plan is refused; the message lists every reason and its fix.</exception>
    public static async Task<ConnectionPlan> AddNpgsqlDbContextWithPoolPolicyAsync<TContext>(
        this IHostApplicationBuilder builder, string connectionName, Action<DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        var plan = await ConnectionPlanner.PlanAsync(builder.Configuration, connectionName, builder.Environment.ApplicationName);
        if (plan.RefusalReasons.Count > 0)
        {
            throw new ConnectionPlanException(plan);
        }

        var options = ConnectionPoolOptions.Bind(builder.Configuration);
        // The pool's name tags Npgsql's metrics; by default it is the connection string, password included.
        var dataSource = new NpgsqlDataSourceBuilder(plan.ConnectionString) { Name = connectionName }.Build();
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

        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContextPool<TContext>(context =>
        {
            context.UseNpgsql(dataSource);
            context.AddInterceptors(interceptors);
            configureDbContextOptions?.Invoke(context);
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
