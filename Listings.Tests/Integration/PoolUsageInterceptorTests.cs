using Listings.ServiceDefaults.ConnectionPool;
using Listings.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// <see cref="PoolUsageInterceptor"/> on a real PostgreSQL: a connection counts as in use from its open to its close,
/// and one that the server kills under a command counts as returned at once, without waiting for its context to open
/// it again (a pooled context may sit unused for long, and the pool would look saturated meanwhile).
/// </summary>
public sealed class PoolUsageInterceptorTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    [Fact]
    public async Task ConnectionIsInUseFromOpenToCloseAndCountedOnce()
    {
        var usage = new PoolUsage(maxPoolSize: 5);
        await using var db = Context(usage, "usage_open_close");

        for (var i = 0; i < 3; i++)
        {
            await db.Database.OpenConnectionAsync();
            Assert.Equal(1, usage.InUse);
            Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync());
            await db.Database.CloseConnectionAsync();
            Assert.Equal(0, usage.InUse);
        }

        Assert.Equal(3, usage.TotalOpened);
        Assert.True(usage.TotalHeld > TimeSpan.Zero);
    }

    [Fact]
    public async Task ConnectionKilledUnderACommandIsCountedReturnedWithoutAnotherOpen()
    {
        const string application = "usage_killed";
        var usage = new PoolUsage(maxPoolSize: 5);
        await using var db = Context(usage, application);

        var sleeping = db.Database.ExecuteSqlRawAsync("SELECT pg_sleep(60)");
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        {
            // The sleep itself: while the connection opens, Npgsql's first query (loading the server's types) is
            // active under the same application name, and killing that breaks the open instead of the command.
            await Poll.UntilAsync(
                async () => await CountAsync(admin, application, "state = 'active' AND query LIKE 'SELECT pg_sleep%'") == 1,
                "the command to run");
            Assert.Equal(1, usage.InUse);
            Assert.Equal(1, await CountAsync(admin, application, "pg_terminate_backend(pid)"));
        }

        var killed = await Assert.ThrowsAsync<PostgresException>(() => sleeping);
        Assert.Equal(PostgresErrorCodes.AdminShutdown, killed.SqlState);
        Assert.Equal(0, usage.InUse);

        // The same context opens again and the count stays right: the broken hold was released once.
        await db.Database.OpenConnectionAsync();
        Assert.Equal(1, usage.InUse);
        await db.Database.CloseConnectionAsync();
        Assert.Equal(0, usage.InUse);
    }

    private DbContext Context(PoolUsage usage, string application) => new(new DbContextOptionsBuilder()
        .UseNpgsql(server.Server.ConnectionString("postgres", $"Application Name={application}"))
        .AddInterceptors(new PoolUsageInterceptor(usage, application))
        .Options);

    private static async Task<int> CountAsync(NpgsqlConnection admin, string application, string condition)
    {
        await using var command = admin.CreateCommand();
        command.CommandText = $"SELECT count(*) FILTER (WHERE {condition})::int FROM pg_stat_activity WHERE application_name = @application";
        command.Parameters.AddWithValue("application", application);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
