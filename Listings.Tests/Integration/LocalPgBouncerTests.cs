using Aspire.Hosting.ApplicationModel;
using Listings.AppHost.Commands;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// <c>Database:Pooler=pgbouncer</c>: the AppHost puts a real PgBouncer in transaction mode between the local server and
/// the API, and migrates around it.
/// </summary>
public sealed class LocalPgBouncerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"listings-pgbouncer-{Guid.NewGuid():N}");

    [Fact]
    public async Task ApiConnectsThroughPgBouncerWithTheTransactionPoolerPlanWhileTheRunnerMigratesDirectly()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var app = await LocalAppHost.BuildAsync(_dataDirectory, 25, cts.Token, "--Database:Pooler=pgbouncer");
        await using var logs = ResourceLogs.Watch(app);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(ListingsDatabase.PgBouncerResourceName, cts.Token);

        using var client = app.CreateHttpClient("api", "http").SignIn();
        var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Written through PgBouncer"), cts.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The API's connections are PgBouncer's clients; PgBouncer alone holds server connections to the database.
        var pgBouncer = (await app.GetConnectionStringAsync(ListingsDatabase.PgBouncerResourceName, cts.Token))!;
        var clients = await PgBouncerClientsAsync(pgBouncer, cts.Token);
        Assert.Contains(clients, applicationName => applicationName == "Listings.Api");

        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var plan = await commands.ExecuteCommandAsync("api", ApiCommands.ConnectionPlanName, cts.Token);
        Assert.True(plan.Success, plan.Message);
        Assert.StartsWith("Connection plan: transaction-pooler (set by ConnectionPool:Mode)", plan.Message);
        Assert.Contains($"127.0.0.1:{new NpgsqlConnectionStringBuilder(pgBouncer).Port}", plan.Data!.Value);

        // The runner migrated on the direct connection, around PgBouncer.
        Assert.Contains(logs.Lines, entry => entry.Resource == Listings.AppHost.MigrationRunner.ResourceName
            && entry.Line.Contains("Migrating over the direct connection", StringComparison.Ordinal));

        // The cache's listener cannot LISTEN through PgBouncer: it listens on the local server directly.
        Assert.Contains(logs.Lines, entry => entry.Resource == "api"
            && entry.Line.Contains("The cache listens for other replicas' writes.", StringComparison.Ordinal));

        // A start through PgBouncer is as quiet as a direct one.
        var severe = logs.AtWarningOrAbove();
        Assert.True(severe.Count == 0, "Logged at Warning or above:" + Environment.NewLine + string.Join(Environment.NewLine, severe));
    }

    // SHOW CLIENTS speaks the simple protocol only: psql, as the test PgBouncer's admin console is read.
    private static async Task<List<string>> PgBouncerClientsAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new System.Diagnostics.ProcessStartInfo("psql");
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", "pgbouncer", "-At", "-F", "|", "-c", "SHOW CLIENTS" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = builder.Password;
        await using var psql = ProcessOutput.Start(start);
        Assert.Equal(0, await psql.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        // Columns: type|user|database|state|addr|port|local_addr|local_port|connect_time|request_time|wait|wait_us|close_needed|ptr|link|remote_pid|tls|application_name
        return psql.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split('|'))
            .Where(columns => columns.Length > 3 && columns[2] == ListingsDatabase.DatabaseName)
            .Select(columns => columns[^1])
            .ToList();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
