using Aspire.Hosting.ApplicationModel;
using Listings.AppHost.Database;
using Microsoft.Extensions.DependencyInjection;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// Starts a second AppHost in external mode, pointed at the first one's database as a user points it at Supabase:
/// the connection string is the only thing it gets.
/// </summary>
[Collection(ListingsAppCollection.Name)]
public sealed class ExternalDatabaseTests(ListingsAppFixture fixture)
{
    [Fact]
    public async Task AppHostWithAConnectionStringServesTheApiFromThatDatabase()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // Auto mode: a configured connection string wins over local binaries and any container runtime.
        await using var app = await StartAsync(connectionString, cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);

        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, resource => resource.Name == "postgres");
        // The dashboard's listingsdb row has a health state of its own, from a real probe.
        await app.ResourceNotifications.WaitForResourceHealthyAsync(ListingsDatabase.ResourceName, cts.Token);
        using var client = app.CreateHttpClient("api", "http").SignIn();
        var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Stored through the external connection"), cts.Token);
        var listing = await created.Content.ReadFromJsonAsync<ListingJson>(cts.Token);

        // The first app reads what the second one wrote: one database.
        using var firstClient = fixture.CreateApiClient();
        Assert.Equal(listing, await firstClient.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{listing!.Id}", cts.Token));
    }

    [Fact]
    public async Task WrongPasswordShowsUnhealthyOnTheDatabaseRowWithTheProblemNameAndNeverThePassword()
    {
        const string wrongPassword = "not-the-password-4711";
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))
        {
            Password = wrongPassword,
        }.ConnectionString;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var app = await StartAsync(connectionString, cts.Token);

        var unhealthy = await app.ResourceNotifications.WaitForResourceAsync(ListingsDatabase.ResourceName,
            e => e.Snapshot.HealthReports.Any(report => report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy), cts.Token);

        var report = unhealthy.Snapshot.HealthReports.Single(report => report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy);
        Assert.StartsWith("wrong-password:", report.Description);
        Assert.DoesNotContain(wrongPassword, report.Description);
    }

    private static async Task<DistributedApplication> StartAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                $"--ConnectionStrings:{ListingsDatabase.ResourceName}={connectionString}",
                "--Seed:Count=0",
                $"--{Listings.AppHost.JwtSecretParameter.ConfigurationKey}={TestAuth.Secret}",
            ],
            cancellationToken);
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        return app;
    }
}
