using Listings.Testing;
using Npgsql;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of its own, which the tests may restart, stop and start, with one API process in front of it
/// configured as a deployment would be (only the connection string; every pool and retry setting at its default).
/// </summary>
public sealed class RestartableDatabaseFixture : IAsyncLifetime
{
    /// <summary>The listings the API seeds.</summary>
    public const int SeedCount = 200;

    private const string DatabaseName = "listings";

    private PostgresServer? _server;
    private ProcessOutput? _api;
    private HttpClient? _client;

    /// <summary>Gets the PostgreSQL server under the API.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets the running API process, whose output the tests read.</summary>
    public ProcessOutput Api => _api ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets a client for the API, with a timeout far above anything the service should take.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("Not started.");

    /// <summary>Opens an unpooled connection to the listings database, outside the API's pool.</summary>
    public Task<NpgsqlConnection> OpenDatabaseAsync() => Server.OpenAsync(DatabaseName, CancellationToken.None);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(PostgresServer.FindBinDirectory(), CancellationToken.None);
        (_api, _client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = Server.ConnectionString(DatabaseName),
            ["DatabaseInitialization__SeedCount"] = SeedCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The fault tests' load, from one address, stands for many clients.
            ["FairShare__Enabled"] = "false",
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
