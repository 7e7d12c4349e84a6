using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// Starts the real AppHost once for a test collection: the embedded local PostgreSQL server (initdb into a fresh
/// folder of its own), the API with a small deterministic seed and <see cref="TestAuth.Secret"/> as its JWT secret, and
/// waits until the API reports healthy.
/// </summary>
public sealed class ListingsAppFixture : IAsyncLifetime
{
    /// <summary>How many demo listings the API seeds into the fresh database.</summary>
    public const int SeedCount = 60;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private DistributedApplication? _app;

    /// <summary>The folder of this run's local PostgreSQL cluster and password, deleted afterwards.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"listings-tests-{Guid.NewGuid():N}");

    /// <summary>The running distributed application.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>A client for the API, with its base address set and no token: an anonymous reader.</summary>
    public HttpClient CreateApiClient() => App.CreateHttpClient("api", "http");

    /// <summary>A client for the API that sends a token for <paramref name="userId"/> (a fresh user when null).</summary>
    public HttpClient CreateUserClient(Guid? userId = null) => CreateApiClient().SignIn(userId);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "--Database:Mode=local",
                $"--Database:Local:DataDirectory={DataDirectory}",
                $"--Seed:Count={SeedCount}",
                $"--{Listings.AppHost.JwtSecretParameter.ConfigurationKey}={TestAuth.Secret}",
            ],
            cts.Token);

        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

/// <summary>The tests that share one running distributed application.</summary>
[CollectionDefinition(Name)]
public sealed class ListingsAppCollection : ICollectionFixture<ListingsAppFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Listings app";
}
