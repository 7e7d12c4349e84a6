using System.Collections.Concurrent;
using System.Data.Common;
using Listings.Api.Data;
using Listings.Api.Listings;
using Listings.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Listings.Tests.Integration;

/// <summary>
/// The page read writes its SQL by hand (<c>ListingPageCommand</c>) instead of going through EF Core's LINQ pipeline.
/// This proves, on a real PostgreSQL, that it returns exactly the rows the LINQ query over the same model returns, for
/// every combination of city, price range, offset and cursor, including listings created at the same instant (where
/// the id decides the order). It does so on both of the command's paths: straight to Npgsql when nothing watches EF
/// Core's command events, and through EF Core's command layer when a command interceptor or the command log does (which
/// then sees the page statement: the benchmark reads the SQL from that log).
/// </summary>
public sealed class ListingPageCommandTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    private static readonly string[] Cities = ["Lyon", "Nice", "Paris"];

    /// <summary>What watches EF Core's command events while the pages are read.</summary>
    public enum Watcher
    {
        /// <summary>Nothing: the statement goes straight to Npgsql.</summary>
        Nothing,

        /// <summary>A command interceptor.</summary>
        CommandInterceptor,

        /// <summary>EF Core's command log at Information.</summary>
        CommandLog,
    }

    [Theory]
    [InlineData(Watcher.Nothing)]
    [InlineData(Watcher.CommandInterceptor)]
    [InlineData(Watcher.CommandLog)]
    public async Task PageReadReturnsTheRowsOfTheLinqQueryForEveryCombinationOfFilters(Watcher watcher)
    {
        var database = $"pages_{Guid.NewGuid():N}"[..20];
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        await using (var create = admin.CreateCommand())
        {
            create.CommandText = $"CREATE DATABASE {database}";
            await create.ExecuteNonQueryAsync();
        }

        var seen = new ConcurrentQueue<string>();
        var builder = new DbContextOptionsBuilder<ListingsDbContext>()
            // A retrying strategy, as the API runs with: the read is one retriable operation.
            .UseNpgsql(server.Server.ConnectionString(database), npgsql => npgsql.EnableRetryOnFailure(2));
        using var loggers = LoggerFactory.Create(logging => logging
            .AddFilter(DbLoggerCategory.Database.Command.Name, watcher == Watcher.CommandLog ? LogLevel.Information : LogLevel.Warning)
            .AddProvider(new RecordingLoggerProvider(seen)));
        builder.UseLoggerFactory(loggers);
        if (watcher == Watcher.CommandInterceptor)
        {
            builder.AddInterceptors(new RecordingCommandInterceptor(seen));
        }

        var options = builder.Options;
        await using (var setup = new ListingsDbContext(options))
        {
            await setup.Database.MigrateAsync();
            setup.Listings.AddRange(Seed());
            await setup.SaveChangesAsync();
        }

        var counts = new ListingCountCache(TimeProvider.System);
        var checkedPages = 0;
        foreach (var city in new string?[] { null, "Nice", "Nowhere" })
        foreach (var minPrice in new decimal?[] { null, 150m })
        foreach (var maxPrice in new decimal?[] { null, 420.50m })
        foreach (var pageSize in new[] { 1, 7, 100 })
        {
            var first = new ListingQuery(1, pageSize, city, minPrice, maxPrice);
            await using var db = new ListingsDbContext(options);
            var expected = await Expected(db, first).ToListAsync();

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
        if (watcher != Watcher.Nothing)
        {
            Assert.Contains(seen, text => text.Contains("ORDER BY l.created_at DESC, l.id DESC LIMIT $1", StringComparison.Ordinal));
        }
    }

    private sealed class RecordingCommandInterceptor(ConcurrentQueue<string> seen) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            seen.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }
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
