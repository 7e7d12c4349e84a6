using Aspire.Hosting.ApplicationModel;
using Listings.AppHost;
using Listings.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Listings.Tests.Integration;

/// <summary>
/// A first start as a new user makes it, on a fresh local database: what the dashboard shows must be all green.
/// </summary>
public sealed class DashboardStartTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"listings-first-start-{Guid.NewGuid():N}");

    [Fact]
    public async Task FirstStartMigratesInItsOwnStepAndNoResourceLogsAWarningOrAnError()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        await using var app = await LocalAppHost.BuildAsync(_dataDirectory, 30, cts.Token);
        await using var logs = ResourceLogs.Watch(app);

        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);

        // The runner finished before the API started, and the API did not migrate itself.
        var runner = await app.ResourceNotifications.WaitForResourceAsync(
            MigrationRunner.ResourceName, e => e.Snapshot.State?.Text == KnownResourceStates.Finished, cts.Token);
        Assert.Equal(0, runner.Snapshot.ExitCode);
        Assert.Contains(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == "api").Annotations.OfType<WaitAnnotation>(),
            wait => wait.Resource.Name == MigrationRunner.ResourceName && wait.WaitType == WaitType.WaitForCompletion);

        using var client = app.CreateHttpClient("api", "http");
        var page = await client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=1&pageSize=5", cts.Token);
        Assert.Equal(30, page!.TotalCount);

        // Every other resource is running and healthy.
        foreach (var name in new[] { "postgres", "listingsdb", "api" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
        }

        await WaitForLogAsync(logs, MigrationRunner.ResourceName, "Database migrated", cts.Token);
        await WaitForLogAsync(logs, "api", "left to the migration runner", cts.Token);
        var severe = logs.AtWarningOrAbove();
        Assert.True(severe.Count == 0, "Logged at Warning or above:" + Environment.NewLine + string.Join(Environment.NewLine, severe));
    }

    private static async Task WaitForLogAsync(ResourceLogs logs, string resource, string text, CancellationToken cancellationToken)
    {
        while (!logs.Lines.Any(entry => entry.Resource == resource && entry.Line.Contains(text, StringComparison.Ordinal)))
        {
            Assert.False(cancellationToken.IsCancellationRequested,
                $"{resource} never logged '{text}'. Its log:{Environment.NewLine}{string.Join(Environment.NewLine, logs.Lines.Where(entry => entry.Resource == resource).Select(entry => entry.Line))}");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
