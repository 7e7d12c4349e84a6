using Aspire.Hosting.ApplicationModel;
using Listings.AppHost;
using Listings.AppHost.Commands;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// <c>Database:ReadReplicas</c>: the AppHost starts streaming standbys of the local server, hands the API (and only the
/// API) a multi-host connection string to them as <c>listingsdb-read</c>, and keeps them following the primary across
/// runs and through "Reset local database".
/// </summary>
public sealed class LocalReadReplicaTests : IDisposable
{
    private const string Standby = "postgres-replica-1";
    private const string ReadVariable = "ConnectionStrings__" + ListingsDatabase.ReadResourceName;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ReplicationTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"listings-read-replica-{Guid.NewGuid():N}");

    [Fact]
    public async Task StandbyFollowsThePrimaryAcrossRunsAndOnlyTheApiIsToldToReadFromIt()
    {
        var firstNote = $"first run {Guid.NewGuid():N}";
        string firstReplicaPort;

        await using (var app = await BuildAsync())
        {
            await using var logs = ResourceLogs.Watch(app);
            using var cts = new CancellationTokenSource(Timeout);
            await app.StartAsync(cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(Standby, cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ListingsDatabase.ReadResourceName, cts.Token);

            var primary = (await app.GetConnectionStringAsync(ListingsDatabase.ResourceName, cts.Token))!;
            var replica = await ReplicaConnectionStringAsync(app, cts.Token);
            firstReplicaPort = new NpgsqlConnectionStringBuilder(replica).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            Assert.False(await ScalarAsync<bool>(primary, "SELECT pg_is_in_recovery()", cts.Token));
            Assert.True(await ScalarAsync<bool>(replica, "SELECT pg_is_in_recovery()", cts.Token));
            Assert.Equal(1L, await ScalarAsync<long>(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", cts.Token));

            await ExecuteAsync(primary, "CREATE TABLE replication_probe (note text NOT NULL)", cts.Token);
            await InsertNoteAsync(primary, firstNote, cts.Token);
            await WaitForNoteAsync(replica, firstNote);

            // The standby refuses writes: it is a replica, not a second primary.
            var refused = await Assert.ThrowsAsync<PostgresException>(() => InsertNoteAsync(replica, "written on the standby", cts.Token));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);

            // The API reads through listingsdb-read: this run's standby, by its port, with the listings database.
            var api = await EnvironmentOfAsync(app, "api", cts.Token);
            var read = new NpgsqlConnectionStringBuilder(api[ReadVariable]);
            Assert.Equal($"127.0.0.1:{firstReplicaPort}", read.Host);
            Assert.Equal(ListingsDatabase.DatabaseName, read.Database);
            Assert.Equal(new NpgsqlConnectionStringBuilder(primary).Password, read.Password);
            Assert.Equal(await app.GetConnectionStringAsync(ListingsDatabase.ReadResourceName, cts.Token), api[ReadVariable]);
            Assert.Equal(primary, api["ConnectionStrings__" + ListingsDatabase.ResourceName]);

            // The migration runner writes: it is never given the read side.
            var runner = await EnvironmentOfAsync(app, MigrationRunner.ResourceName, cts.Token);
            Assert.Equal(primary, runner["ConnectionStrings__" + ListingsDatabase.ResourceName]);
            Assert.DoesNotContain(runner.Keys, key => key.Contains(ListingsDatabase.ReadResourceName, StringComparison.Ordinal));

            Assert.Contains(logs.Lines, entry => entry.Resource == Standby && entry.Line.Contains("pg_basebackup", StringComparison.Ordinal));
            await app.StopAsync(cts.Token);
        }

        Assert.Empty(ProcessCommandLines.Naming(_dataDirectory));

        // A second run reuses the standby (no new base backup) though the primary listens on another port now.
        await using (var app = await BuildAsync())
        {
            await using var logs = ResourceLogs.Watch(app);
            using var cts = new CancellationTokenSource(Timeout);
            await app.StartAsync(cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(Standby, cts.Token);

            var primary = (await app.GetConnectionStringAsync(ListingsDatabase.ResourceName, cts.Token))!;
            var replica = await ReplicaConnectionStringAsync(app, cts.Token);
            Assert.Equal(1L, await ScalarAsync<long>(replica, $"SELECT count(*) FROM replication_probe WHERE note = '{firstNote}'", cts.Token));

            var secondNote = $"second run {Guid.NewGuid():N}";
            await InsertNoteAsync(primary, secondNote, cts.Token);
            await WaitForNoteAsync(replica, secondNote);

            Assert.Empty(logs.Lines.Where(entry => entry.Resource == Standby && entry.Line.Contains("loning", StringComparison.Ordinal)).Select(entry => entry.Line));
            await app.StopAsync(cts.Token);
        }

        Assert.Empty(ProcessCommandLines.Naming(_dataDirectory));
    }

    [Fact]
    public async Task TheApiReadsFromTheStandbyAndResetLocalDatabaseReachesIt()
    {
        await using var app = await BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(Standby, cts.Token);

        var primary = (await app.GetConnectionStringAsync(ListingsDatabase.ResourceName, cts.Token))!;
        var replica = await ReplicaConnectionStringAsync(app, cts.Token);

        // The API serves its page reads from the standby: the page statement runs in a session of the API's there.
        using var http = app.CreateHttpClient("api");
        await Poll.UntilAsync(
            async () =>
            {
                (await http.GetAsync("/api/v1/listings?page=1", cts.Token)).EnsureSuccessStatusCode();
                return await ScalarAsync<long>(
                    replica, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'Listings.Api' AND query LIKE '%FROM listings AS l%'", cts.Token) > 0;
            },
            "the API's page reads to run on the standby",
            ReplicationTimeout);

        await ExecuteAsync(primary, "CREATE TABLE replication_probe (note text NOT NULL)", cts.Token);
        await InsertNoteAsync(primary, "gone after the reset", cts.Token);
        await WaitForNoteAsync(replica, "gone after the reset");

        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("postgres", ResetLocalDatabaseCommand.Name, cts.Token);
        Assert.True(result.Success, result.Message);

        // The reset's DROP DATABASE ... WITH (FORCE) ended this test's idle pooled connections to the old database.
        NpgsqlConnection.ClearAllPools();

        // DROP DATABASE and CREATE DATABASE replay on the standby: the probe table is gone there too, the standby stays
        // healthy, and it follows the new database.
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return !await ScalarAsync<bool>(replica, "SELECT to_regclass('replication_probe') IS NOT NULL", cts.Token);
                }
                catch (NpgsqlException)
                {
                    // The database is gone on the standby for a moment, and the replayed DROP ends the sessions on it.
                    return false;
                }
            },
            "the reset to reach the standby",
            ReplicationTimeout);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(Standby, cts.Token);
        await ExecuteAsync(primary, "CREATE TABLE replication_probe (note text NOT NULL)", cts.Token);
        await InsertNoteAsync(primary, "after the reset", cts.Token);
        await WaitForNoteAsync(replica, "after the reset");

        await app.StopAsync(cts.Token);
    }

    private async Task<DistributedApplication> BuildAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await LocalAppHost.BuildAsync(_dataDirectory, seedCount: 0, cts.Token, $"--{ListingsDatabase.ReadReplicasKey}=1");
    }

    /// <summary>The standby's connection string, on the listings database.</summary>
    private static async Task<string> ReplicaConnectionStringAsync(DistributedApplication app, CancellationToken cancellationToken) =>
        new NpgsqlConnectionStringBuilder(await app.GetConnectionStringAsync(Standby, cancellationToken)) { Database = ListingsDatabase.DatabaseName }.ConnectionString;

    /// <summary>The environment the orchestrator started <paramref name="resource"/> with, as the dashboard shows it.</summary>
    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        var started = await app.ResourceNotifications.WaitForResourceAsync(
            resource, e => e.Snapshot.EnvironmentVariables.Any(variable => variable.Name == "ConnectionStrings__" + ListingsDatabase.ResourceName), cancellationToken);
        return started.Snapshot.EnvironmentVariables.Where(variable => variable.Value is not null).ToDictionary(variable => variable.Name, variable => variable.Value!);
    }

    private static Task InsertNoteAsync(string connectionString, string note, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, $"INSERT INTO replication_probe (note) VALUES ('{note}')", cancellationToken);

    private static Task WaitForNoteAsync(string replica, string note) =>
        Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await ScalarAsync<long>(replica, $"SELECT count(*) FROM replication_probe WHERE note = '{note}'", CancellationToken.None) == 1;
                }
                catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UndefinedTable)
                {
                    return false;
                }
            },
            $"'{note}' to reach the standby",
            ReplicationTimeout);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public void Dispose()
    {
        // After a failed test the app's disposal may return while a server is still writing its shutdown checkpoint:
        // delete until nothing comes back.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Directory.Exists(_dataDirectory))
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
