using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// app's own interceptors, from the app's services. <paramref name="dedicatedConnections"/> are the connections the app keeps
    /// open beside the pool (as a <c>LISTEN</c>er): the plan counts them in the budget with the pool.
    /// </summary>
    /// <returns>The plan the pool runs on.</returns>
    /// <exception cref="ConnectionPlanException">The plan is refused; the message lists every reason and its fix.</exception>
    public static async Task<ConnectionPlan> AddNpgsqlDbContextWithPoolPolicyAsync<TContext>(
        this IHostApplicationBuilder builder, string connectionName, Action<IServiceProvider, DbContextOptionsBuilder>? configureDbContextOptions = null,
        int dedicatedConnections = 0)
        where TContext : DbContext
    {
        var plan = await ConnectionPlanner.PlanAsync(builder.Configuration, connectionName, builder.Environment.ApplicationName, dedicatedConnections);
        if (plan.RefusalReasons.Count > 0)
        {
            throw new ConnectionPlanException(plan);
        }

        var readPlans = await ReadHostPlanner.PlanAsync(builder.Configuration, connectionName, builder.Environment.ApplicationName);
        if (readPlans.FirstOrDefault(read => read.RefusalReasons.Count > 0) is { } refused)
        {
            throw new ConnectionPlanException(refused);
        }

        var options = ConnectionPoolOptions.Bind(builder.Configuration);
        var (usage, backoff, interceptors) = Enforcement(plan, options, connectionName);

        // Built from the plan when first needed, with the app's logging: Npgsql's warnings and errors reach the dashboard.
        builder.Services.AddSingleton(services => BuildDataSource(plan, connectionName, services));
        builder.Services.AddDbContextPool<TContext>((services, context) =>
        {
            context.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>());
            context.AddInterceptors(interceptors);
            configureDbContextOptions?.Invoke(services, context);
        });
        AddReadReplicas<TContext>(builder, plan, readPlans, options, ReadHostPlanner.ConnectionName(connectionName), configureDbContextOptions);
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

    // What every host's connections go through: usage counted, opens bounded and paused after a refused login, and the
    // statement limits in front of each command where the plan sets them so.
    private static (PoolUsage Usage, LoginBackoff Backoff, List<IInterceptor> Interceptors) Enforcement(
        ConnectionPlan plan, ConnectionPoolOptions options, string poolName)
    {
        var usage = new PoolUsage(plan.MaxPoolSize);
        var backoff = new LoginBackoff(options.Logins, TimeProvider.System);
        if (plan.ServerFailure is { } failure)
        {
            // A login refused at start pauses the pool's first attempts like any other refusal.
            backoff.Refused(failure);
        }

        // The usage interceptor first: it times the whole open, the opener's waits included.
        List<IInterceptor> interceptors = [new PoolUsageInterceptor(usage, poolName, plan), new ConnectionOpener(plan, backoff)];
        if (plan is { LimitsSetBy: StatementLimitsSetBy.SetLocal, Limits: { } limits })
        {
            interceptors.Add(new StatementLimitsInterceptor(limits));
        }

        return (usage, backoff, interceptors);
    }

    private static NpgsqlDataSource BuildDataSource(ConnectionPlan plan, string poolName, IServiceProvider services) =>
        new NpgsqlDataSourceBuilder(plan.ConnectionString)
        {
            // The pool's name tags Npgsql's metrics; by default it is the connection string, password included.
            Name = poolName,
        }.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>()).Build();

    // Each read host gets a pool and pooled contexts of its own, on its own plan; the router chooses among them per read.
    private static void AddReadReplicas<TContext>(
        IHostApplicationBuilder builder, ConnectionPlan plan, IReadOnlyList<ConnectionPlan> readPlans, ConnectionPoolOptions options, string readName,
        Action<IServiceProvider, DbContextOptionsBuilder>? configureDbContextOptions)
        where TContext : DbContext
    {
        if (readPlans.Count == 0)
        {
            builder.Services.AddSingleton(services => new ReadRouter<TContext>(null, [], services.GetRequiredService<ILogger<ReadRouter<TContext>>>()));
            return;
        }

        var replicaOptions = ReadReplicaOptions.Bind(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        var enforcement = readPlans.Select(plan => (Plan: plan, Name: $"{readName}@{plan.Host}:{plan.Port}", Parts: Enforcement(plan, options, $"{readName}@{plan.Host}:{plan.Port}"))).ToList();
        builder.Services.AddSingleton(replicaOptions);
        builder.Services.AddSingleton(services =>
        {
            // Lag history: long enough to tell a lag of MaxLagSeconds from a longer one.
            var history = TimeSpan.FromSeconds(replicaOptions.MaxLagSeconds * 2) + TimeSpan.FromMilliseconds(replicaOptions.PollMilliseconds * 2);
            var backoffLogger = services.GetRequiredService<ILogger<LoginBackoff>>();
            enforcement.ForEach(host => host.Parts.Backoff.WithLogger(backoffLogger));
            var hosts = new ReadHosts(
                [.. enforcement.Select(host => new ReadHost(
                    host.Plan, BuildDataSource(host.Plan, host.Name, services), host.Parts.Usage, host.Parts.Backoff, new ReplicaState(TimeProvider.System, history)))],
                plan, replicaOptions, TimeProvider.System);
            ReplicaMetrics.ObserveLag(hosts.All, TimeProvider.System);
            return hosts;
        });
        builder.Services.AddSingleton(services =>
        {
            var hosts = services.GetRequiredService<ReadHosts>();
            var contexts = hosts.All.Select((host, i) =>
            {
                var context = new DbContextOptionsBuilder<TContext>()
                    .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
                    .UseNpgsql(host.DataSource)
                    .AddInterceptors(enforcement[i].Parts.Interceptors);
                configureDbContextOptions?.Invoke(services, context);

                // No retry on a replica: a failed read moves to another host at once (ReadRouter).
                context.UseNpgsql(host.DataSource, npgsql => npgsql.ExecutionStrategy(dependencies => new NonRetryingExecutionStrategy(dependencies)));
                return (IDbContextFactory<TContext>)new PooledDbContextFactory<TContext>(context.Options);
            }).ToList();
            return new ReadRouter<TContext>(hosts, contexts, services.GetRequiredService<ILogger<ReadRouter<TContext>>>());
        });
        builder.Services.AddHostedService<ReplicaLagMonitor>();
        builder.Services.AddHealthChecks().AddCheck<ReadReplicasHealthCheck>(ReadReplicasHealthCheck.Name);
    }
}
