using Aspire.Hosting.ApplicationModel;
using Listings.AppHost.Commands;
using Listings.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Listings.Tests.Integration;

/// <summary>
/// "Reset local database" on the local <c>postgres</c>, run through the AppHost's resource command service as the
/// dashboard runs it, on an app of its own: the reset throws away every listing.
/// </summary>
public sealed class ResetLocalDatabaseCommandTests(ITestOutputHelper output) : IDisposable
{
    private const int SeedCount = 12;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"listings-reset-{Guid.NewGuid():N}");

    [Fact]
    public async Task ResetLocalDatabaseCommandDropsRecreatesMigratesSeedsAndRestartsTheApi()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var hostLogs = new HostLogs();
        await using var app = await LocalAppHost.BuildAsync(
            _dataDirectory,
            SeedCount,
            builder =>
            {
                builder.Services.AddLogging(logging => logging
                    .AddProvider(hostLogs)
                    .AddFilter("Aspire.Hosting.Dcp", LogLevel.Debug)
                    .AddFilter("Aspire.Hosting.Dcp.KubernetesService", LogLevel.Information));
                // The testing builder runs no dashboard yet points the API's OTLP exporter at localhost:4317, where nothing
                // listens: the API's stop must not wait on it (DrainOnStop bounds telemetry's last export), or Aspire's
                // Stop outlasts its wait for the process and fails.
            },
            cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("postgres", cts.Token);

            using var client = app.CreateHttpClient("api", "http").SignIn();
            var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Gone after the reset"), cts.Token);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<ListingJson>(cts.Token))!.Id;
            Assert.Equal(SeedCount + 1, await TotalCountAsync(client, cts.Token));

            var commands = app.Services.GetRequiredService<ResourceCommandService>();
            var result = await commands.ExecuteCommandAsync("postgres", ResetLocalDatabaseCommand.Name, cts.Token);

            Assert.True(result.Success, result.Message);
            Assert.Equal("Local database reset: recreated, migrated and seeded; the API is starting again", result.Message);
            Assert.Contains($"{SeedCount} listings seeded", result.Data!.Value);

            // The API comes back on its own: healthy again, on the fresh database.
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        return (await client.GetAsync("/health", cts.Token)).StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "the API to answer /health with 200 after the reset",
                TimeSpan.FromMinutes(3));

            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/listings/{id}", cts.Token)).StatusCode);
            Assert.Equal(SeedCount, await TotalCountAsync(client, cts.Token));
        }
        finally
        {
            output.WriteLine(hostLogs.Text);
        }
    }

    private static async Task<long?> TotalCountAsync(HttpClient client, CancellationToken cancellationToken) =>
        (await client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=1", cancellationToken))!.TotalCount;

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
