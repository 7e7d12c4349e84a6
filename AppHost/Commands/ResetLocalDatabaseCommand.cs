using Listings.AppHost.Database.Local;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Listings.AppHost.Commands;

/// <summary>"Reset local database" on the local PostgreSQL server: start over with a fresh, migrated, seeded database.</summary>
public static class ResetLocalDatabaseCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "reset-local-database";

    // Long enough for an API still starting (it waits for the migration runner) to come up, and for a stop to finish.
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Adds the command: after a confirmation it stops <paramref name="api"/>, drops and recreates the database, runs
    /// <paramref name="runner"/>'s <c>migrate</c> (migrations and seed), and starts the API again.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> WithResetCommand(
        this IResourceBuilder<LocalPostgresServerResource> server, IResourceBuilder<ProjectResource> api, IResourceBuilder<ProjectResource> runner) =>
        server.WithCommand(Name, "Reset local database",
            context => ResetAsync(server.Resource, api.Resource, runner.Resource, context.Services, context.CancellationToken),
            new CommandOptions
            {
                Description = "Stops the API, drops and recreates the local database, migrates and seeds it, and starts the API again",
                ConfirmationMessage = "Drop the local database and every listing in it, then create it afresh with the demo seed?",
                IconName = "ArrowReset",
                UpdateState = context => context.ResourceSnapshot.HealthStatus is Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });

    private static async Task<ExecuteCommandResult> ResetAsync(
        LocalPostgresServerResource server, ProjectResource api, ProjectResource runner, IServiceProvider services, CancellationToken cancellationToken)
    {
        var commands = services.GetRequiredService<ResourceCommandService>();
        var notifications = services.GetRequiredService<ResourceNotificationService>();

        // Each replica by its own id: a stop is refused while one is starting (or waiting for the runner), so wait until
        // each runs or has stopped, then stop those that run.
        foreach (var id in await ReplicaIdsAsync(notifications, api, cancellationToken).ConfigureAwait(false))
        {
            var settled = await WaitForReplicaAsync(notifications, api.Name, id, state => state == KnownResourceStates.Running || IsStopped(state), cancellationToken).ConfigureAwait(false);
            if (settled is null)
            {
                return CommandResults.Failure($"The API ({id}) neither ran nor stopped within {SettleLimit.TotalMinutes:0} minutes; the database is untouched.");
            }

            if (IsStopped(settled))
            {
                continue;
            }

            var stop = await commands.ExecuteCommandAsync(id, KnownResourceCommands.StopCommand, cancellationToken).ConfigureAwait(false);
            var stopped = await WaitForReplicaAsync(notifications, api.Name, id, IsStopped, cancellationToken).ConfigureAwait(false);
            if (stopped is null)
            {
                return CommandResults.Failure($"The API ({id}) did not stop ({(stop.Success ? "still running" : stop.Message)}); the database is untouched.");
            }
        }

        var serverConnection = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false))
        {
            Database = "postgres",
        };
        await using (var connection = new NpgsqlConnection(serverConnection.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var database in server.Databases)
            {
                var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                // FORCE ends the sessions still open on it (PgBouncer's among them); PgBouncer reconnects on demand.
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var (exitCode, output) = await ApiCommandLine.RunAsync(runner, ["migrate"], services, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            return CommandResults.Failure($"The database was recreated but migrating it failed (exit code {exitCode}); the API stays stopped", output, CommandResultFormat.Text);
        }

        var started = await commands.ExecuteCommandAsync(api, KnownResourceCommands.StartCommand, cancellationToken).ConfigureAwait(false);
        return started.Success
            ? CommandResults.Success("Local database reset: recreated, migrated and seeded; the API is starting again", output, CommandResultFormat.Text)
            : CommandResults.Failure($"The database was reset but the API did not start ({started.Message})", output, CommandResultFormat.Text);
    }

    /// <summary>The id of every replica of <paramref name="api"/>, as the orchestrator announced them.</summary>
    private static async Task<List<string>> ReplicaIdsAsync(ResourceNotificationService notifications, ProjectResource api, CancellationToken cancellationToken)
    {
        var count = api.GetReplicaCount();
        var ids = new List<string>();
        // The watch replays the latest event of every resource instance first.
        await foreach (var resourceEvent in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            if (resourceEvent.Resource == api && !ids.Contains(resourceEvent.ResourceId))
            {
                ids.Add(resourceEvent.ResourceId);
                if (ids.Count == count)
                {
                    break;
                }
            }
        }

        return ids;
    }

    private static bool IsStopped(string? state) =>
        state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;

    /// <summary>The first state of replica <paramref name="id"/> that <paramref name="wanted"/> accepts, or null past <see cref="SettleLimit"/>.</summary>
    private static async Task<string?> WaitForReplicaAsync(
        ResourceNotificationService notifications, string name, string id, Func<string?, bool> wanted, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(SettleLimit);
        try
        {
            var reached = await notifications.WaitForResourceAsync(name, e => e.ResourceId == id && wanted(e.Snapshot.State?.Text), limit.Token).ConfigureAwait(false);
            return reached.Snapshot.State?.Text;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
