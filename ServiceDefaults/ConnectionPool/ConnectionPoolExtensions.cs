using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers an EF Core context on PostgreSQL with the connection-pool policy applied.</summary>
public static class ConnectionPoolExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TContext"/> through Aspire's Npgsql EF Core integration (context pooling, health check,
    /// tracing, the <c>Npgsql</c> meter) on a connection planned by <see cref="ConnectionPlanner"/>: the mode detected,
    /// the pool sized and bounded for it and for the server's budget, unsafe settings refused. The connection string is
    /// read from <c>ConnectionStrings:&lt;name&gt;</c> or <c>DATABASE_URL</c>; the policy from <c>ConnectionPool</c>.
    /// </summary>
    /// <exception cref="ConnectionPlanException">The plan is refused; the message lists every reason and its fix.</exception>
    public static ConnectionPlan AddNpgsqlDbContextWithPoolPolicy<TContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<Aspire.Npgsql.EntityFrameworkCore.PostgreSQL.NpgsqlEntityFrameworkCorePostgreSQLSettings>? configureSettings = null,
        Action<DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        var (connectionString, source) = ConnectionSource.Read(builder.Configuration, connectionName);
        ConnectionPoolOptions options;
        try
        {
            // Read now: the plan, and with it the connection string, is made here.
            options = builder.BindSettingsNow(ConnectionPoolOptions.SectionName, new ConnectionPoolOptionsValidator());
        }
        catch (OptionsValidationException error)
        {
            // A wrong setting refuses the plan, in the words the planner and db-info use for it.
            throw new ConnectionPlanException(new ConnectionPlan { Source = source, Errors = [.. error.Failures] });
        }

        var plan = ConnectionPlanner.Plan(connectionString, source, options, applicationName: builder.Environment.ApplicationName);
        if (plan.Errors.Count > 0)
        {
            throw new ConnectionPlanException(plan);
        }

        var running = new RunningConnectionPlan(plan, connectionString);
        var usage = new PoolUsage(plan.MaxPoolSize);
        var interceptor = new PoolUsageInterceptor(usage, connectionName);
        var backoff = new LoginBackoff(options, TimeProvider.System);
        var opener = new ConnectionOpener(plan, backoff);
        var preparedStatements = new PreparedStatementVerdict();
        // Only a transaction pooler needs the limits in front of each command (a re-plan keeps the mode); elsewhere the
        // connection's start-up options carry them and the hot path gains no interceptor.
        IInterceptor[] interceptors = plan.LimitsSetBy == StatementLimitsSetBy.SetLocal
            ? [interceptor, opener, new StatementLimitsInterceptor(running)]
            : [interceptor, opener];

        builder.AddNpgsqlDbContext<TContext>(
            connectionName,
            settings =>
            {
                settings.ConnectionString = plan.ConnectionString;
                // Replaced by DatabaseHealthCheck, which does not wait in a saturated pool for the whole Timeout.
                settings.DisableHealthChecks = true;
                configureSettings?.Invoke(settings);
            },
            dbContextOptions =>
            {
                // The pool's name tags the Npgsql metrics; by default it is the connection string, password included.
                dbContextOptions.UseNpgsql(npgsql => npgsql.ConfigureDataSource(dataSource =>
                {
                    dataSource.Name = connectionName;
                    // Built at first use, after the start-up report and the prepared-statement probe: the size the
                    // server's budget allows, and auto-prepare only where the probe proved the pooler keeps statements.
                    dataSource.ConnectionStringBuilder.MaxPoolSize = running.Plan.MaxPoolSize;
                    dataSource.ConnectionStringBuilder.MinPoolSize = running.Plan.MinPoolSize;
                    if (preparedStatements.Proven)
                    {
                        dataSource.ConnectionStringBuilder.MaxAutoPrepare = running.Plan.MaxAutoPrepare;
                    }
                }));
                // The usage interceptor first: it times the whole open, backoff and slices included.
                dbContextOptions.AddInterceptors(interceptors);
                configureDbContextOptions?.Invoke(dbContextOptions);
            });

        builder.Services.AddSingleton(running);
        // Resolved after the start-up report (never by it), so every user sees the plan the pool runs on.
        builder.Services.AddSingleton(_ => running.Plan);
        builder.Services.AddSingleton(usage);
        builder.Services.AddSingleton(services => backoff.WithLogger(services.GetRequiredService<ILogger<LoginBackoff>>()));
        builder.Services.AddSingleton(preparedStatements);
        builder.Services.AddSingleton<PoolWarmer>();
        builder.Services.AddSingleton(services => new PoolUsageSampler(usage, running.Plan, services.GetService<IRequestQueue>()));
        builder.Services.AddSingleton<ConnectionPlanReporter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PoolUsageSampler>());
        // The interceptor names the request that holds a connection through the accessor's shared storage.
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<LongHoldMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LongHoldMonitor>());
        builder.Services.AddSingleton<FleetConnectionMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FleetConnectionMonitor>());
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>(DatabaseHealthCheck<TContext>.Name);

        return plan;
    }

    /// <summary>
    /// Asks the server about itself (a few seconds at most) and logs the connection plan, its warnings, and any
    /// connection problem with its fix. Call it after building the app and before running it: when it returns false,
    /// the plan was refused (or, with <c>ConnectionPool:Strict</c>, the connection fails for a reason only configuration
    /// fixes), the reason is logged once, and the app should exit without starting.
    /// </summary>
    /// <param name="app">The built app.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public static Task<bool> ReportConnectionPlanAsync(this IHost app, CancellationToken cancellationToken = default) =>
        app.Services.GetRequiredService<ConnectionPlanReporter>().ReportAsync(cancellationToken);
}
