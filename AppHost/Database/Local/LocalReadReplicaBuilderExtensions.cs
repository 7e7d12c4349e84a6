using Microsoft.Extensions.DependencyInjection;

namespace Listings.AppHost.Database.Local;

/// <summary>Adds read replicas of the local PostgreSQL server: streaming standbys run from the same binaries.</summary>
public static class LocalReadReplicaBuilderExtensions
{
    /// <summary>
    /// The most standbys: each holds one of the primary's WAL senders (PostgreSQL's default <c>max_wal_senders</c> is
    /// 10) and its base backup a second while it is taken, and every standby takes its own at the same start.
    /// </summary>
    public const int MaxReadReplicas = 5;

    private static readonly string[] StandbyPrograms = ["postgres", "pg_ctl", "pg_basebackup", "pg_controldata"];

    private static readonly string ScriptPath = Path.Combine(AppContext.BaseDirectory, "Database", "Local", "run-standby.sh");

    /// <summary>
    /// Adds <paramref name="count"/> standbys of <paramref name="database"/>'s server (<c>postgres-replica-1</c>, ...),
    /// each started once the server is healthy, cloned into the local folder's <c>replica-N/</c> on first run, on
    /// 127.0.0.1 at a port of its own, healthy once it accepts connections in recovery; and <paramref name="name"/>, the
    /// database read across all of them through one multi-host connection string, running once every standby is
    /// healthy. None is ever in a deployment manifest.
    /// </summary>
    public static IResourceBuilder<LocalReadReplicasResource> AddLocalReadReplicas(
        this IResourceBuilder<LocalPostgresDatabaseResource> database, [ResourceName] string name, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxReadReplicas);

        var builder = database.ApplicationBuilder;
        var server = builder.CreateResourceBuilder(database.Resource.Parent);
        var binaries = server.Resource.Binaries;
        var binDirectory = binaries.DirectoryHolding(StandbyPrograms) ?? throw new DatabaseUnavailableException(
            $"{ListingsDatabase.ReadReplicasKey} asks for read replicas, which need {string.Join(", ", StandbyPrograms)} beside"
            + $" postgres, but '{binaries.BinDirectory}' lacks some: install them for PostgreSQL {binaries.MajorVersion}"
            + $" (Debian/Ubuntu: 'apt-get install postgresql-{binaries.MajorVersion} postgresql-client-{binaries.MajorVersion}'), or point"
            + $" {DatabaseModeSelector.BinDirectoryKey} at a folder that holds them all.",
            listFixes: false);
        var read = new LocalReadReplicasResource(name, database.Resource);

        for (var number = 1; number <= count; number++)
        {
            var standby = server.AddStandby($"{server.Resource.Name}-replica-{number}", server.Resource.Directory.StandbyDataDirectory(number), binDirectory);
            read.Standbys.Add(standby.Resource);
        }

        PublishStateFromStandbys(builder, read);

        var resource = builder.AddResource(read).WithIconName("DatabaseSearch");
        foreach (var standby in read.Standbys)
        {
            resource.WithReferenceRelationship(standby);
        }

        return resource.ExcludeFromManifest();
    }

    private static IResourceBuilder<LocalPostgresStandbyResource> AddStandby(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string dataDirectory, string binDirectory)
    {
        var builder = server.ApplicationBuilder;
        var primary = server.Resource;
        var standby = new LocalPostgresStandbyResource(name, "bash", primary.Directory.Root, primary, dataDirectory);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(standby, async (_, ct) =>
            connectionString = await standby.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        // Probed on the 'postgres' database, which a reset of the listings database leaves alone.
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new LocalPostgresHealthCheck(
            dataDirectory,
            () => (connectionString ?? throw new InvalidOperationException("The connection string is not available yet.")) + ";Database=postgres",
            standby: true));

        return builder.AddResource(standby)
            .WithArgs(ScriptPath)
            .WithEndpoint(name: LocalPostgresStandbyResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithEnvironment("PG_BIN", binDirectory)
            .WithEnvironment("PGDATA", dataDirectory)
            .WithEnvironment("PRIMARY_PGDATA", primary.Directory.DataDirectory)
            .WithEnvironment("PRIMARY_PORT", primary.Endpoint.Property(EndpointProperty.Port))
            .WithEnvironment("LISTINGS_PG_PASSWORD", primary.Password)
            .WithEnvironment("LISTINGS_PG_MAX_CONNECTIONS", primary.MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithIconName("DatabaseMultiple")
            .WaitFor(server)
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// The read resource is no process: it runs while every standby is healthy, so whatever waits for it waits for all
    /// of them, and it shows in the dashboard whether reads have somewhere to go.
    /// </summary>
    private static void PublishStateFromStandbys(IDistributedApplicationBuilder builder, LocalReadReplicasResource read)
    {
        var ready = new HashSet<LocalPostgresStandbyResource>();
        var gate = new Lock();

        foreach (var standby in read.Standbys)
        {
            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(standby, async (@event, _) =>
            {
                lock (gate)
                {
                    ready.Remove(standby);
                }

                await PublishAsync(@event.Services, KnownResourceStates.Starting).ConfigureAwait(false);
            });

            builder.Eventing.Subscribe<ResourceReadyEvent>(standby, async (@event, _) =>
            {
                bool all;
                lock (gate)
                {
                    ready.Add(standby);
                    all = ready.Count == read.Standbys.Count;
                }

                if (all)
                {
                    await PublishAsync(@event.Services, KnownResourceStates.Running).ConfigureAwait(false);
                }
            });

            builder.Eventing.Subscribe<ResourceStoppedEvent>(standby, async (@event, _) =>
            {
                lock (gate)
                {
                    ready.Remove(standby);
                }

                await PublishAsync(@event.Services, KnownResourceStates.Finished).ConfigureAwait(false);
            });
        }

        Task PublishAsync(IServiceProvider services, string state) =>
            services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(read, snapshot => snapshot with
            {
                State = state,
                StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : snapshot.StartTimeStamp,
                StopTimeStamp = state == KnownResourceStates.Finished ? DateTime.UtcNow : null,
            });
    }
}
