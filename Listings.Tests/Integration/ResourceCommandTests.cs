using Aspire.Hosting.ApplicationModel;
using Listings.AppHost;
using Listings.AppHost.Commands;
using Listings.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Listings.Tests.Integration;

/// <summary>The dashboard's commands on the running app, run through the AppHost's resource command service as the dashboard runs them.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class ResourceCommandTests(ListingsAppFixture fixture)
{
    private ResourceCommandService Commands => fixture.App.Services.GetRequiredService<ResourceCommandService>();

    [Fact]
    public async Task ConnectionPlanShowsWhatDbInfoPrintsForTheApi()
    {
        var result = await Commands.ExecuteCommandAsync("api", ApiCommands.ConnectionPlanName);

        Assert.True(result.Success, result.Message);
        Assert.Equal("Connection plan: direct (detected from host, port and user), safe", result.Message);
        Assert.Contains("Database connection plan (from ConnectionStrings:listingsdb)", result.Data!.Value);
        Assert.Contains("verdict      safe", result.Data.Value);
        Assert.DoesNotContain("Password", result.Data.Value, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PoolAdviceShowsTheMeasuredDemandAndTheRecommendedSize()
    {
        var result = await Commands.ExecuteCommandAsync("api", ApiCommands.PoolAdviceName);

        Assert.True(result.Success, result.Message);
        Assert.StartsWith("Pool advice: ", result.Message);
        Assert.Contains("recommended Maximum Pool Size", result.Message);
    }

    [Fact]
    public async Task ApplyMigrationsRunsTheRunnerAgainAndFindsNothingToDo()
    {
        var result = await Commands.ExecuteCommandAsync(MigrationRunner.ResourceName, MigrationRunner.ApplyCommandName);

        Assert.True(result.Success, result.Message);
        Assert.Equal("Migrations applied", result.Message);
        Assert.Contains("Database migrated: migrations applied, 0 listings seeded", result.Data!.Value);
    }
}
