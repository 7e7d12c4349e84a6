using System.Data.Common;
using System.Text;
using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Listings.Api.Data;

/// <summary>
/// The SQL of one page of listings, written out per combination of filters, and the reading of its rows. It runs through
/// EF Core's command layer (the connection, the interceptors of the pool policy, command logging, the execution
/// strategy) but not through the LINQ pipeline. That pipeline, with the buffer a retrying strategy puts under every LINQ
/// read, doubled what a page request allocated (49 KB against 25 KB, with the page query compiled) and cost about a
/// sixth of its CPU, at 64 connections after warm-up (benchmarks/README.md, "The API against its ceiling"). Writes, the
/// count and the lookup by id stay LINQ. <c>ListingPageCommandTests</c> checks the rows against the LINQ query for
/// every combination of filters.
/// </summary>
internal sealed class ListingPageCommand
{
    // The columns in the order EF Core selects them for the entity: the unfiltered page is the statement the LINQ query
    // sent, parameter names aside, and the one the raw-Npgsql ceiling runs.
    private const string Columns =
        "l.id, l.bathrooms, l.bedrooms, l.city, l.created_at, l.currency, l.description, l.owner_id, l.price, "
        + "l.surface_square_meters, l.title, l.updated_at";

    private const string CityParameter = "city";
    private const string MinPriceParameter = "min_price";
    private const string MaxPriceParameter = "max_price";
    private const string AfterCreatedAtParameter = "after_created_at";
    private const string AfterIdParameter = "after_id";
    private const string TakeParameter = "take";
    private const string OffsetParameter = "offset";

    [Flags]
    private enum Shape
    {
        None = 0,
        City = 1,
        MinPrice = 2,
        MaxPrice = 4,
        Cursor = 8,
    }

    // Sixteen shapes at most; built once per pooled context and reused, the parameters bound per call.
    private readonly IRelationalCommand?[] _commands = new IRelationalCommand?[16];

    /// <summary>Reads the page <paramref name="query"/> asks for plus one more row (telling whether a next page exists).</summary>
    /// <param name="db">The request's context: its connection, services and execution strategy.</param>
    /// <param name="query">The validated filters and page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<List<ListingResponse>> ReadAsync(ListingsDbContext db, ListingQuery query, CancellationToken cancellationToken) =>
        // The strategy retries the whole read: rows are collected into the list, never handed out half-read.
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            (Command: this, Db: db, Query: query),
            static (_, state, token) => state.Command.ReadOnceAsync(state.Db, state.Query, token),
            verifySucceeded: null,
            cancellationToken);

    /// <summary>The SQL for the filters <paramref name="query"/> gives, with named parameters (for tests and docs).</summary>
    /// <param name="query">The validated filters and page.</param>
    public static string SqlFor(ListingQuery query) => Sql(ShapeOf(query));

    private async Task<List<ListingResponse>> ReadOnceAsync(ListingsDbContext db, ListingQuery query, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(query);
        var command = _commands[(int)shape] ??= Build(db, shape);
        var take = query.PageSize + 1;
        var values = new Dictionary<string, object?>(4) { [TakeParameter] = take };
        if (query.City is { } city)
        {
            values[CityParameter] = city;
        }

        if (query.MinPrice is { } minPrice)
        {
            values[MinPriceParameter] = minPrice;
        }

        if (query.MaxPrice is { } maxPrice)
        {
            values[MaxPriceParameter] = maxPrice;
        }

        if (query.After is { } after)
        {
            values[AfterCreatedAtParameter] = after.CreatedAt;
            values[AfterIdParameter] = after.Id;
        }
        else
        {
            values[OffsetParameter] = query.Offset;
        }

        var items = new List<ListingResponse>(take);
        await using var reader = await command.ExecuteReaderAsync(
            new RelationalCommandParameterObject(
                db.GetService<IRelationalConnection>(), values, readerColumns: null, db,
                db.GetService<IRelationalCommandDiagnosticsLogger>(), CommandSource.FromSqlQuery),
            cancellationToken);
        var row = reader.DbDataReader;
        while (await row.ReadAsync(cancellationToken))
        {
            items.Add(Read(row));
        }

        return items;
    }

    // Ordinals follow Columns.
    private static ListingResponse Read(DbDataReader row) => new(
        Id: row.GetInt64(0),
        Title: row.GetString(10),
        Description: row.GetString(6),
        City: row.GetString(3),
        Price: row.GetDecimal(8),
        Currency: row.GetString(5),
        Bedrooms: row.GetInt32(2),
        Bathrooms: row.GetInt32(1),
        SurfaceSquareMeters: row.GetDecimal(9),
        CreatedAt: row.GetFieldValue<DateTimeOffset>(4),
        UpdatedAt: row.GetFieldValue<DateTimeOffset>(11),
        OwnerId: row.GetGuid(7));

    private static Shape ShapeOf(ListingQuery query) =>
        (query.City is null ? Shape.None : Shape.City)
        | (query.MinPrice is null ? Shape.None : Shape.MinPrice)
        | (query.MaxPrice is null ? Shape.None : Shape.MaxPrice)
        | (query.After is null ? Shape.None : Shape.Cursor);

    // Each filter once: its condition and the parameters the condition names, for the SQL and the command alike.
    private static readonly (Shape Flag, string Condition, (string Name, Type Type)[] Parameters)[] Filters =
    [
        (Shape.City, $"l.city = @{CityParameter}", [(CityParameter, typeof(string))]),
        (Shape.MinPrice, $"l.price >= @{MinPriceParameter}", [(MinPriceParameter, typeof(decimal))]),
        (Shape.MaxPrice, $"l.price <= @{MaxPriceParameter}", [(MaxPriceParameter, typeof(decimal))]),
        // A row-value comparison, which the (created_at DESC, id DESC) indexes serve as a seek.
        (Shape.Cursor, $"(l.created_at, l.id) < (@{AfterCreatedAtParameter}, @{AfterIdParameter})",
            [(AfterCreatedAtParameter, typeof(DateTimeOffset)), (AfterIdParameter, typeof(long))]),
    ];

    private static string Sql(Shape shape)
    {
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM listings AS l");
        var conditions = Filters.Where(filter => shape.HasFlag(filter.Flag)).Select(filter => filter.Condition).ToList();
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY l.created_at DESC, l.id DESC LIMIT @").Append(TakeParameter);
        if (!shape.HasFlag(Shape.Cursor))
        {
            sql.Append(" OFFSET @").Append(OffsetParameter);
        }

        return sql.ToString();
    }

    private static IRelationalCommand Build(ListingsDbContext db, Shape shape)
    {
        var types = db.GetService<IRelationalTypeMappingSource>();
        var builder = db.GetService<IRelationalCommandBuilderFactory>().Create().Append(Sql(shape));
        void Add(string name, Type type) => builder.AddParameter(name, "@" + name, types.GetMapping(type), nullable: false);

        foreach (var (name, type) in Filters.Where(filter => shape.HasFlag(filter.Flag)).SelectMany(filter => filter.Parameters))
        {
            Add(name, type);
        }

        Add(TakeParameter, typeof(int));
        if (!shape.HasFlag(Shape.Cursor))
        {
            Add(OffsetParameter, typeof(int));
        }

        return builder.Build();
    }
}
