using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// Starts and stops the AppHost in local mode on a folder of its own, to prove what the shared fixture cannot:
/// the server keeps its data across runs, demands its password, and leaves no process behind.
/// </summary>
public sealed class LocalPostgresLifecycleTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"listings-lifecycle-{Guid.NewGuid():N}");

    [Fact]
    public async Task LocalServerKeepsItsDataAcrossRunsDemandsItsPasswordAndStopsWithTheAppHost()
    {
        string firstConnectionString;
        long createdId;

        await using (var app = await StartAsync())
        {
            firstConnectionString = (await app.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
            var builder = new NpgsqlConnectionStringBuilder(firstConnectionString);
            Assert.Equal("127.0.0.1", builder.Host);
            Assert.Equal(ListingsDatabase.DatabaseName, builder.Database);

            await using (var connection = new NpgsqlConnection(firstConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SHOW max_connections", connection);
                Assert.Equal("60", await command.ExecuteScalarAsync());
            }

            builder.Password = "not-the-password";
            await using (var wrong = new NpgsqlConnection(builder.ConnectionString))
            {
                var error = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
                Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
            }

            using var client = app.CreateHttpClient("api", "http").SignIn();
            var response = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Kept across restarts"));
            createdId = (await response.Content.ReadFromJsonAsync<ListingJson>())!.Id;

            await app.StopAsync();
        }

        Assert.Empty(ProcessCommandLines.Naming(_dataDirectory));

        await using (var app = await StartAsync())
        {
            using var client = app.CreateHttpClient("api", "http");
            var listing = await client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{createdId}");
            Assert.Equal("Kept across restarts", listing!.Title);

            var secondConnectionString = await app.GetConnectionStringAsync(ListingsDatabase.ResourceName);
            Assert.Equal(
                new NpgsqlConnectionStringBuilder(firstConnectionString).Password,
                new NpgsqlConnectionStringBuilder(secondConnectionString).Password);

            await app.StopAsync();
        }

        Assert.Empty(ProcessCommandLines.Naming(_dataDirectory));
    }

    [Fact]
    public async Task AppHostWithNoWayToServeTheDatabaseStopsWithTheThreeFixes()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Database:Mode=local", "--Database:Local:BinDirectory=/nonexistent/postgres/bin"]));

        var messages = string.Join(Environment.NewLine, ExceptionChain.Flatten(error).Select(e => e.Message));
        Assert.Contains("no PostgreSQL server binaries", messages);
        Assert.Contains("Give the AppHost a database in one of three ways", messages);
    }

    private async Task<DistributedApplication> StartAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var app = await LocalAppHost.BuildAsync(_dataDirectory, seedCount: 0, cts.Token);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        return app;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
