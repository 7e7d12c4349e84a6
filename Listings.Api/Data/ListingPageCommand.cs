using System.Data.Common;
using System.Globalization;
using System.Text;
using Listings.Api.Listings;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Listings.Api.Data;

/// <summary>
/// The SQL of one page of listings, written out per combination of filters, and the reading of its rows. It runs through
/// EF Core's command layer (the connection, the interceptors of the pool policy, command logging, the execution
/// strategy) but not through the LINQ pipeline. That pipeline, with the buffer a retrying strategy puts under every LINQ
/// read, doubled what a page request allocated (49 KB against 25 KB, with the page query compiled) and cost about a
/// sixth of its CPU, at 64 connections after warm-up (benchmarks/README.md, "The API against its ceiling"). Writes, the
/// count and the lookup by id stay LINQ. <c>ListingPageCommandTests</c> checks the rows against the LINQ query for
/// every combination of filters.
/// <para>
/// The parameters are positional (<c>$1</c>, <c>$2</c>, as the raw-Npgsql ceiling sends them): with named ones Npgsql
/// parses every statement to rewrite the names and looks each one up case-insensitively, about 5 µs of a page request's
/// CPU here (perf, 64 connections after warm-up). Behind a transaction pooler they are named: there the policy's
/// <see cref="StatementLimitsInterceptor"/> puts <c>SET LOCAL</c> in front of the statement, and only a command Npgsql
/// parses is split into the two statements the server accepts. The context's services and its execution strategy are
/// resolved once per pooled context, not per request: a new strategy seeds a <see cref="Random"/> from
/// <c>/dev/urandom</c>, one system call per request.
/// </para>
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

    // The context's own services (scoped to it, so kept across its leases from the pool) and one strategy for its reads:
    // EF Core gives each context its own strategy instance and runs one operation on it at a time.
    private ContextServices? _services;

    /// <summary>Reads the page <paramref name="query"/> asks for plus one more row (telling whether a next page exists).</summary>
    /// <param name="db">The request's context: its connection, services and execution strategy.</param>
    /// <param name="query">The validated filters and page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<List<ListingResponse>> ReadAsync(ListingsDbContext db, ListingQuery query, CancellationToken cancellationToken)
    {
        var services = _services ??= new ContextServices(db);

        // The strategy retries the whole read: rows are collected into the list, never handed out half-read.
        return services.Strategy.ExecuteAsync(
            (Command: this, Db: db, Services: services, Query: query),
            static (_, state, token) => state.Command.ReadOnceAsync(state.Db, state.Services, state.Query, token),
            verifySucceeded: null,
            cancellationToken);
    }

    private async Task<List<ListingResponse>> ReadOnceAsync(
        ListingsDbContext db, ContextServices services, ListingQuery query, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(query);
        var command = _commands[(int)shape] ??= Build(services, shape);
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
                services.Connection, values, readerColumns: null, db, services.Logger, CommandSource.FromSqlQuery),
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

    // Each filter once: its condition ({0}, {1} stand for its parameters' placeholders) and its parameters, for the SQL
    // and the command alike.
    private static readonly (Shape Flag, string Condition, PageParameter[] Parameters)[] Filters =
    [
        (Shape.City, "l.city = {0}", [new PageParameter<string>(CityParameter)]),
        (Shape.MinPrice, "l.price >= {0}", [new PageParameter<decimal>(MinPriceParameter)]),
        (Shape.MaxPrice, "l.price <= {0}", [new PageParameter<decimal>(MaxPriceParameter)]),
        // A row-value comparison, which the (created_at DESC, id DESC) indexes serve as a seek.
        (Shape.Cursor, "(l.created_at, l.id) < ({0}, {1})",
            [new PageParameter<DateTimeOffset>(AfterCreatedAtParameter), new PageParameter<long>(AfterIdParameter)]),
    ];

    private static readonly PageParameter Take = new PageParameter<int>(TakeParameter);
    private static readonly PageParameter Offset = new PageParameter<int>(OffsetParameter);

    // The statement of a shape and its parameters in placeholder order ($1 is the first when positional).
    private static (string Sql, List<IRelationalParameter> Parameters) Statement(Shape shape, bool positional)
    {
        var parameters = new List<IRelationalParameter>();
        string Placeholder(PageParameter parameter)
        {
            parameters.Add(parameter.Bind(positional));
            return positional ? "$" + parameters.Count.ToString(CultureInfo.InvariantCulture) : "@" + parameter.Name;
        }

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM listings AS l");
        var conditions = Filters
            .Where(filter => shape.HasFlag(filter.Flag))
            .Select(filter => string.Format(CultureInfo.InvariantCulture, filter.Condition, [.. filter.Parameters.Select(Placeholder)]))
            .ToList();
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY l.created_at DESC, l.id DESC LIMIT ").Append(Placeholder(Take));
        if (!shape.HasFlag(Shape.Cursor))
        {
            sql.Append(" OFFSET ").Append(Placeholder(Offset));
        }

        return (sql.ToString(), parameters);
    }

    private static IRelationalCommand Build(ContextServices services, Shape shape)
    {
        var (sql, parameters) = Statement(shape, services.PositionalParameters);
        var builder = services.CommandBuilders.Create().Append(sql);
        foreach (var parameter in parameters)
        {
            builder.AddParameter(parameter);
        }

        return builder.Build();
    }

    // What the read needs of its context, resolved once per context.
    private sealed class ContextServices(ListingsDbContext db)
    {
        public IRelationalConnection Connection { get; } = db.GetService<IRelationalConnection>();

        public IRelationalCommandDiagnosticsLogger Logger { get; } = db.GetService<IRelationalCommandDiagnosticsLogger>();

        public IRelationalCommandBuilderFactory CommandBuilders { get; } = db.GetService<IRelationalCommandBuilderFactory>();

        public IExecutionStrategy Strategy { get; } = db.Database.CreateExecutionStrategy();

        public bool PositionalParameters { get; } = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()
            ?.Interceptors?.OfType<StatementLimitsInterceptor>().Any() != true;
    }

    // A parameter of the page statement; bound positional (unnamed: Npgsql sends the statement as written) or by name.
    private abstract class PageParameter(string name)
    {
        public string Name => name;

        public abstract IRelationalParameter Bind(bool positional);
    }

    private sealed class PageParameter<T>(string name) : PageParameter(name)
    {
        public override IRelationalParameter Bind(bool positional) => new Bound(Name, positional ? "" : "@" + Name);

        // Its value comes from the values the call binds, by the invariant name.
        private sealed class Bound(string invariantName, string parameterName) : IRelationalParameter
        {
            public string InvariantName => invariantName;

            public void AddDbParameter(DbCommand command, object? value) =>
                command.Parameters.Add(new NpgsqlParameter<T> { ParameterName = parameterName, TypedValue = (T)value! });

            public void AddDbParameter(DbCommand command, IReadOnlyDictionary<string, object?>? parameterValues) =>
                AddDbParameter(command, parameterValues is not null && parameterValues.TryGetValue(invariantName, out var value)
                    ? value
                    : throw new InvalidOperationException($"No value was bound for the page parameter '{invariantName}'."));
        }
    }
}
