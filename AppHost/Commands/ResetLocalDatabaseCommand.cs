using Listings.AppHost.Database.Local;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Listings.AppHost.Commands;

/// <summary>"Reset local database" on the local PostgreSQL server: start over with a fresh, migrated, seeded database.</summary>
public static class ResetLocalDatabaseCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "reset-local-database";

    private const int StopAttempts = 3;
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(40);

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

        var running = await notifications.WaitForResourceAsync(api.Name, _ => true, cancellationToken).ConfigureAwait(false);
        // A stop can fail while the process is busy shutting down: ask again, and judge by the state it reaches.
        ExecuteCommandResult? stopped = null;
        for (var attempt = 1; attempt <= StopAttempts; attempt++)
        {
            stopped = await commands.ExecuteCommandAsync(running.ResourceId, KnownResourceCommands.StopCommand, cancellationToken).ConfigureAwait(false);
            try
            {
                using var stopLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                stopLimit.CancelAfter(StopLimit);
                await notifications.WaitForResourceAsync(api.Name, [KnownResourceStates.Exited, KnownResourceStates.Finished], stopLimit.Token).ConfigureAwait(false);
                stopped = null;
                break;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        if (stopped is not null)
        {
            return CommandResults.Failure($"The API did not stop ({stopped.Message}); the database is untouched.");
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

        var started = await commands.ExecuteCommandAsync(running.ResourceId, KnownResourceCommands.StartCommand, cancellationToken).ConfigureAwait(false);
        return started.Success
            ? CommandResults.Success("Local database reset: recreated, migrated and seeded; the API is starting again", output, CommandResultFormat.Text)
            : CommandResults.Failure($"The database was reset but the API did not start ({started.Message})", output, CommandResultFormat.Text);
    }
}
