using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

// The ceiling the API is measured against: a page of the listings, optionally of one city, the same SQL the API sends
// (ListingPageQuery's statement without and with the city filter; each filter's count cached for two seconds, as the
// API's is), through a plain NpgsqlDataSource of the same pool, serializing the same fields. Nothing else: no EF Core,
// no admission, no interceptors, no tracing. Configured like the API, by environment variables.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, RawJsonContext.Default));
var connectionString = builder.Configuration.GetConnectionString("listingsdb")
    ?? throw new InvalidOperationException("Set ConnectionStrings__listingsdb.");
await using var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString)
{
    MaxPoolSize = builder.Configuration.GetValue("ConnectionPool:MaxPoolSize", 20),
    MaxAutoPrepare = 20,
    ApplicationName = "Listings.RawNpgsql",
}.ConnectionString).Build();
var app = builder.Build();
var counts = new CountCache("SELECT count(*)::int FROM listings AS l", null);
// One count per city asked for: the benchmark asks for a handful.
var cityCounts = new ConcurrentDictionary<string, CountCache>(StringComparer.Ordinal);

app.MapGet("/health", () => "Healthy");
app.MapGet("/api/v1/listings", async (int? page, int? pageSize, string? city, CancellationToken cancellationToken) =>
{
    const string columns = "SELECT l.id, l.title, l.description, l.city, l.price, l.currency, l.bedrooms, l.bathrooms, l.surface_square_meters, l.created_at, "
        + "l.updated_at, l.owner_id FROM listings AS l ";
    const string order = "ORDER BY l.created_at DESC, l.id DESC ";
    var size = Math.Clamp(pageSize ?? 20, 1, 100);
    var number = Math.Max(page ?? 1, 1);
    var filterCounts = city is null ? counts : cityCounts.GetOrAdd(city, static c => new CountCache("SELECT count(*)::int FROM listings AS l WHERE l.city = $1", c));
    var total = await filterCounts.GetAsync(dataSource, cancellationToken);
    await using var command = dataSource.CreateCommand(city is null
        ? columns + order + "LIMIT $1 OFFSET $2"
        : columns + "WHERE l.city = $1 " + order + "LIMIT $2 OFFSET $3");
    if (city is not null)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = city });
    }

    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size + 1 });
    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (number - 1) * size });
    var items = new List<RawListing>(size + 1);
    await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new RawListing(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDecimal(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetDecimal(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10), reader.GetGuid(11)));
        }
    }

    var hasMore = items.Count > size;
    if (hasMore)
    {
        items.RemoveAt(items.Count - 1);
    }

    return new RawPage(items, number, size, total, (total + size - 1) / size, hasMore ? Cursor(items[^1]) : null);
});

app.Run();

static string Cursor(RawListing last)
{
    var microseconds = (last.CreatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
    return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{microseconds}.{last.Id}")));
}

internal sealed record RawListing(
    long Id, string Title, string Description, string City, decimal Price, string Currency, int Bedrooms, int Bathrooms,
    decimal SurfaceSquareMeters, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, Guid OwnerId);

internal sealed record RawPage(IReadOnlyList<RawListing> Items, int? Page, int PageSize, int? TotalCount, int? TotalPages, string? NextCursor);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RawPage))]
internal sealed partial class RawJsonContext : JsonSerializerContext;

// The total count of one filter (all listings, or one city's), counted by one request every two seconds while the others
// use the last one.
internal sealed class CountCache(string sql, string? city)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);
    private Task<int>? _counting;
    private int _count;
    private long _countedAt;

    public async ValueTask<int> GetAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var countedAt = Interlocked.Read(ref _countedAt);
        if (countedAt != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(countedAt) < Lifetime)
        {
            return Volatile.Read(ref _count);
        }

        var mine = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Interlocked.CompareExchange(ref _counting, mine.Task, null);
        if (running is not null)
        {
            return countedAt != 0 ? Volatile.Read(ref _count) : await running.WaitAsync(cancellationToken);
        }

        try
        {
            await using var command = dataSource.CreateCommand(sql);
            if (city is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = city });
            }

            var total = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            Volatile.Write(ref _count, total);
            Interlocked.Exchange(ref _countedAt, System.Diagnostics.Stopwatch.GetTimestamp());
            mine.SetResult(total);
            return total;
        }
        catch (Exception error)
        {
            mine.SetException(error);
            throw;
        }
        finally
        {
            Volatile.Write(ref _counting, null);
        }
    }
}
