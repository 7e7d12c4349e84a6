using Listings.AppHost.Commands;
using Listings.AppHost.Database;

namespace Listings.AppHost;

/// <summary>
/// The migration runner: the API's <c>migrate</c> mode as a resource of its own, run once before the API on the direct
/// connection (or <c>ConnectionStrings:listingsdb-migrations</c>), with the seed.
/// </summary>
public static class MigrationRunner
{
    /// <summary>The runner's resource name.</summary>
    public const string ResourceName = "migrations";

    /// <summary>The name of the runner's "Apply migrations" command.</summary>
    public const string ApplyCommandName = "apply-migrations";

    /// <summary>Adds the runner, started once the database answers, with an "Apply migrations" command that runs it again.</summary>
    public static IResourceBuilder<ProjectResource> AddMigrationRunner(this IDistributedApplicationBuilder builder, ListingsDatabaseResources database)
    {
        // No launch profile: the runner serves nothing, and the API's profile would give it the API's port.
        var runner = builder.AddProject<Projects.Listings_Api>(ResourceName, launchProfileName: null)
            .WithArgs("migrate")
            .WithConnectionPoolPolicy()
            .WithReference(database.Database)
            .WithSeedData()
            .WithIconName("DatabaseArrowUp")
            .WithoutHttpsCertificate();

        if (database.Migrations is { } migrations)
        {
            runner.WithReference(migrations);
        }

        if (database.HasLifecycle)
        {
            runner.WaitFor(database.Database);
        }

        return runner.WithCommand(ApplyCommandName, "Apply migrations",
            context => ApplyAsync(runner.Resource, context.Services, context.CancellationToken),
            new CommandOptions
            {
                Description = "Applies pending EF Core migrations and seeds an empty table, on the migration connection",
                IconName = "DatabaseArrowUp",
                UpdateState = _ => ResourceCommandState.Enabled,
            });
    }

    /// <summary>Runs <c>migrate</c> with the runner's configuration; the result carries its log.</summary>
    public static async Task<ExecuteCommandResult> ApplyAsync(ProjectResource runner, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ApiCommandLine.RunAsync(runner, ["migrate"], services, cancellationToken).ConfigureAwait(false);
        return exitCode == 0
            ? CommandResults.Success("Migrations applied", output, CommandResultFormat.Text)
            : CommandResults.Failure($"Migrations failed (exit code {exitCode}): see the output", output, CommandResultFormat.Text);
    }
}
