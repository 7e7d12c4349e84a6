using System.Collections.Concurrent;
using Listings.Api.Data;
using Listings.Api.Listings;
using Listings.ServiceDefaults.ConnectionPool;
using Listings.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// The page read writes its SQL by hand (<c>ListingPageQuery</c>) instead of going through EF Core's LINQ pipeline. This
/// proves, on a real PostgreSQL, that it returns exactly the rows the LINQ query over the same model returns, for every
/// combination of city, price range, offset and cursor, including listings created at the same instant (where the id
/// decides the order): on a plain context, with EF Core's command log on (which then shows the statement: the benchmark
/// reads the SQL from that log), and as the service ships it behind a transaction pooler, through a real PgBouncer in
/// transaction mode, where the plan's statement limits go in front of every statement.
/// </summary>
public sealed class ListingPageQueryTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    private static readonly string[] Cities = ["Lyon", "Nice", "Paris"];

    /// <summary>How the pages are read.</summary>
    public enum Route
    {
        /// <summary>A context of its own on the server, with a retrying strategy as the API runs with.</summary>
        Direct,

        /// <summary>The same with EF Core's command log at Information.</summary>
        CommandLog,

        /// <summary>The service's own registration, through PgBouncer in transaction mode.</summary>
        TransactionPooler,
    }

    [Theory]
    [InlineData(Route.Direct)]
    [InlineData(Route.CommandLog)]
    [InlineData(Route.TransactionPooler)]
    public async Task PageReadReturnsTheRowsOfTheLinqQueryForEveryCombinationOfFilters(Route route)
    {
        var (database, oracle) = await SeededDatabaseAsync();
        var seen = new ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(logging => logging
            .AddFilter(DbLoggerCategory.Database.Command.Name, route == Route.CommandLog ? LogLevel.Information : LogLevel.Warning)
            .AddProvider(new RecordingLoggerProvider(seen)));
        await using var bouncer = route == Route.TransactionPooler ? await PgBouncer.StartAsync(server.Server.ConnectionString(database)) : null;
        using var host = bouncer is null ? null : await ServiceHostAsync(bouncer.ClientConnectionString(server.Server.ConnectionString(database)));
        await using var scope = host?.Services.CreateAsyncScope();

        var counts = new ListingCountCache(TimeProvider.System);
        var checkedPages = 0;
        foreach (var city in new string?[] { null, "Nice", "Nowhere" })
        foreach (var minPrice in new decimal?[] { null, 150m })
        foreach (var maxPrice in new decimal?[] { null, 420.50m })
        foreach (var pageSize in new[] { 1, 7, 100 })
        {
            var first = new ListingQuery(1, pageSize, city, minPrice, maxPrice);
            await using var expectedDb = new ListingsDbContext(oracle);
            var expected = await Expected(expectedDb, first).ToListAsync();
            await using var own = scope is null ? new ListingsDbContext(Options(database, loggers)) : null;
            var db = own ?? scope!.Value.ServiceProvider.GetRequiredService<ListingsDbContext>();

            // Every page by offset, one past the last.
            for (var page = 1; page <= (expected.Count / pageSize) + 2; page++)
            {
                var query = first with { Page = page };
                var actual = await db.GetListingPageAsync(query, counts, CancellationToken.None);
                Assert.Equal(expected.Skip(query.Offset).Take(pageSize).Select(ListingResponse.From), actual.Items);
                Assert.Equal(expected.Count, actual.TotalCount);
                checkedPages++;
            }

            // The whole list by cursor, from the first page on.
            var walked = new List<ListingResponse>();
            var cursorPage = await db.GetListingPageAsync(first, counts, CancellationToken.None);
            walked.AddRange(cursorPage.Items);
            while (cursorPage.NextCursor is { } next)
            {
                // A cursor that does not move past the rows it has seen would walk forever.
                Assert.True(walked.Count <= expected.Count, "the cursor walk returned more rows than match");
                Assert.True(ListingCursor.TryDecode(next, out var after));
                cursorPage = await db.GetListingPageAsync(first with { After = after }, counts, CancellationToken.None);
                Assert.Null(cursorPage.TotalCount);
                walked.AddRange(cursorPage.Items);
                checkedPages++;
            }

            Assert.Equal(expected.Select(ListingResponse.From), walked);
        }

        // 3 cities × 2 × 2 prices × 3 sizes: every combination ran, and none of them vacuously.
        Assert.True(checkedPages > 200, $"only {checkedPages} pages checked");
        Assert.Equal(route == Route.CommandLog, seen.Any(text => text.Contains("ORDER BY l.created_at DESC, l.id DESC LIMIT $", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BehindATransactionPoolerThePageReadRunsWithinThePlansStatementTimeout()
    {
        var (database, _) = await SeededDatabaseAsync();
        // The listings are read through a view that sleeps for two seconds: past a statement timeout of 200 ms, which only
        // the limits the read sends in front of its statement set (PgBouncer's server connections have none).
        await using (var admin = await server.Server.OpenAsync(database, CancellationToken.None))
        await using (var slow = admin.CreateCommand())
        {
            slow.CommandText = "ALTER TABLE listings RENAME TO listings_data; "
                + "CREATE VIEW listings AS SELECT * FROM listings_data WHERE (SELECT pg_sleep(2)) IS NOT NULL";
            await slow.ExecuteNonQueryAsync();
        }

        await using var bouncer = await PgBouncer.StartAsync(server.Server.ConnectionString(database));
        using var host = await ServiceHostAsync(bouncer.ClientConnectionString(server.Server.ConnectionString(database)), ("StatementTimeoutMs", "200"));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ListingsDbContext>();

        var stopped = await Assert.ThrowsAsync<PostgresException>(() =>
            db.GetListingPageAsync(new ListingQuery(1, 20, null, null, null), new ListingCountCache(TimeProvider.System), CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.QueryCanceled, stopped.SqlState);
    }

    // A database of its own, migrated and seeded directly; returns it and the options of a plain context on it.
    private async Task<(string Database, DbContextOptions<ListingsDbContext> Oracle)> SeededDatabaseAsync()
    {
        var database = $"pages_{Guid.NewGuid():N}"[..20];
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        await using (var create = admin.CreateCommand())
        {
            create.CommandText = $"CREATE DATABASE {database}";
            await create.ExecuteNonQueryAsync();
        }

        var oracle = new DbContextOptionsBuilder<ListingsDbContext>().UseNpgsql(server.Server.ConnectionString(database)).Options;
        await using var setup = new ListingsDbContext(oracle);
        await setup.Database.MigrateAsync();
        setup.Listings.AddRange(Seed());
        await setup.SaveChangesAsync();
        return (database, oracle);
    }

    // A retrying strategy, as the API runs with: the read is one retriable operation.
    private DbContextOptions<ListingsDbContext> Options(string database, ILoggerFactory loggers) =>
        new DbContextOptionsBuilder<ListingsDbContext>()
            .UseNpgsql(server.Server.ConnectionString(database), npgsql => npgsql.EnableRetryOnFailure(2))
            .UseLoggerFactory(loggers)
            .Options;

    // The context as the service registers it (the pool policy's plan, data source and interceptors), not started.
    private static async Task<IHost> ServiceHostAsync(string connectionString, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:listingsdb"] = connectionString,
            ["ConnectionPool:Mode"] = "transaction-pooler",
            ["ConnectionPool:ServerMaxConnections"] = "100",
        }.Concat(settings.Select(setting => KeyValuePair.Create($"ConnectionPool:{setting.Key}", (string?)setting.Value))));
        var plan = await builder.AddNpgsqlDbContextWithPoolPolicyAsync<ListingsDbContext>("listingsdb", (_, options) => options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(2)));
        Assert.Equal(StatementLimitsSetBy.SetLocal, plan.LimitsSetBy);
        return builder.Build();
    }

    // Records EF Core's command log only (Npgsql logs the statements it runs too, under its own categories).
    private sealed class RecordingLoggerProvider(ConcurrentQueue<string> seen) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == DbLoggerCategory.Database.Command.Name ? this : NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            seen.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }

    // The list order and filters as LINQ states them: what EF Core itself would send.
    private static IQueryable<Listing> Expected(ListingsDbContext db, ListingQuery query)
    {
        var listings = db.Listings.AsNoTracking();
        if (query.City is { } city)
        {
            listings = listings.Where(l => l.City == city);
        }

        if (query.MinPrice is { } minPrice)
        {
            listings = listings.Where(l => l.Price >= minPrice);
        }

        if (query.MaxPrice is { } maxPrice)
        {
            listings = listings.Where(l => l.Price <= maxPrice);
        }

        return listings.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id);
    }

    // 45 listings over three cities and prices 100.25 to 540.25; every third pair shares its creation instant.
    private static IEnumerable<Listing> Seed()
    {
        var start = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 45; i++)
        {
            var minute = i % 3 == 1 ? i - 1 : i;
            var createdAt = start.AddMinutes(minute).AddTicks(minute % 2 * 10);
            yield return new Listing
            {
                OwnerId = Guid.Parse($"00000000-0000-0000-0000-{i % 4 + 1:D12}"),
                Title = $"Listing {i}",
                Description = i % 5 == 0 ? string.Empty : $"Description of listing {i}",
                City = Cities[i % Cities.Length],
                Price = 100.25m + (i * 97 % 45 * 10),
                Currency = "EUR",
                Bedrooms = i % 6,
                Bathrooms = i % 3,
                SurfaceSquareMeters = 20.5m + i,
                CreatedAt = createdAt,
                UpdatedAt = createdAt.AddHours(i % 7),
            };
        }
    }
}
