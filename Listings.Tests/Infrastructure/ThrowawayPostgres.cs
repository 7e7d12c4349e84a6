using Listings.Testing;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of its own for one test class, without the AppHost: the benchmark's throw-away cluster
/// (<see cref="PostgresServer"/>: SCRAM password authentication with a random password, loopback only, SSL off as
/// PostgreSQL's default has it, <c>max_connections</c> 100), started before the class and deleted after it.
/// </summary>
public class ThrowawayPostgres : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>Gets the server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets the superuser's password: random, so a test can prove it appears nowhere.</summary>
    public string Password => Server.Password;

    /// <summary>Gets the port the server listens on, on 127.0.0.1.</summary>
    public int Port => Server.Port;

    /// <summary>A keyword connection string to the <c>postgres</c> database, which always exists.</summary>
    /// <param name="extraKeywords">Keywords appended, e.g. <c>Timeout=3</c>.</param>
    public string ConnectionString(string extraKeywords = "") => Server.ConnectionString("postgres", extraKeywords);

    /// <summary>Server settings added to the command line.</summary>
    protected virtual string Settings => "";

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        _server = await PostgresServer.StartAsync(PostgresServer.FindBinDirectory(), CancellationToken.None, Settings);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
