using System.Data.Common;
using System.Diagnostics;
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
/// The SQL of one page of listings, written out per combination of filters, and the reading of its rows. It runs on the
/// context's EF Core connection (so the pool policy's connection interceptors time and shape every open) inside the
/// context's execution strategy (the whole read is one retriable operation), but not through the LINQ pipeline. That
/// pipeline, with the buffer a retrying strategy puts under every LINQ read, doubled what a page request allocated
/// (49 KB against 25 KB) and cost about a sixth of its CPU, at 64 connections after warm-up (benchmarks/README.md,
/// "The API against its ceiling"). Writes, the count and the lookup by id stay LINQ. <c>ListingPageCommandTests</c>
/// checks the rows against the LINQ query for every combination of filters, on both paths below.
/// <para>
/// <b>Two paths for the command.</b> When nothing watches EF Core's command events (no command interceptor, EF Core's
/// command log below Information, no <c>LogTo</c> logger and no diagnostic listener that wants them), the statement goes
/// straight to an <see cref="NpgsqlCommand"/> on the context's open connection, and a failure is still logged through
/// EF Core's command logger. Otherwise it goes through EF Core's command layer, which raises those events. The direct
/// path saves a <see cref="Guid.NewGuid"/> per command (a <c>/dev/urandom</c> read here), the event data of each
/// command step and EF Core's reader wrapper: 0.92-1.00 of the CPU per request and about 1 KB less (side-by-side runs,
/// 64 connections after warm-up).
/// </para>
/// <para>
/// <b>Parameters.</b> Positional (<c>$1</c>, <c>$2</c>, as the raw-Npgsql ceiling sends them): with named ones Npgsql
/// parses every statement to rewrite the names and looks each one up case-insensitively, about 5 µs of a page request's
/// CPU here (perf, 64 connections after warm-up). Behind a transaction pooler they are named: there the policy's
/// <see cref="StatementLimitsInterceptor"/> puts <c>SET LOCAL</c> in front of the statement, and only a command Npgsql
/// parses is split into the two statements the server accepts.
/// </para>
/// <para>
/// The context's services and its execution strategy are resolved once per pooled context, not per request: a new
/// strategy seeds a <see cref="Random"/> from <c>/dev/urandom</c>, one system call per request.
/// </para>
/// </summary>
internal sealed class ListingPageCommand
{
    // The columns in the order EF Core selects them for the entity: the unfiltered page is the statement the LINQ query
    // sent, parameter names aside, and the one the raw-Npgsql ceiling runs.
    private const string Columns =
        "l.id, l.bathrooms, l.bedrooms, l.city, l.created_at, l.currency, l.description, l.owner_id, l.price, "
        + "l.surface_square_meters, l.title, l.updated_at";

    // The one value EF Core's command layer binds: the query, whose parameters QueryParameter adds.
    private const string QueryValue = "query";

    [Flags]
    private enum Shape
    {
        None = 0,
        City = 1,
        MinPrice = 2,
        MaxPrice = 4,
        Cursor = 8,
    }

    // The statement of every shape, positional and named: sixteen shapes each.
    private static readonly string[] PositionalSql = [.. Enumerable.Range(0, 16).Select(shape => Statement((Shape)shape, named: false))];
    private static readonly string[] NamedSql = [.. Enumerable.Range(0, 16).Select(shape => Statement((Shape)shape, named: true))];

    // EF Core's command per shape, built once per pooled context and reused, the query bound per call.
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
            static (_, state, token) => state.Services.CommandEventsWatched()
                ? state.Command.ReadThroughCommandLayerAsync(state.Db, state.Services, state.Query, token)
                : ReadDirectAsync(state.Db, state.Services, state.Query, token),
            verifySucceeded: null,
            cancellationToken);
    }

    // Straight to Npgsql on the context's connection: opened and closed through EF Core, so the connection interceptors
    // run, with the context's transaction and command timeout as EF Core's command layer would set them.
    private static async Task<List<ListingResponse>> ReadDirectAsync(
        ListingsDbContext db, ContextServices services, ListingQuery query, CancellationToken cancellationToken)
    {
        var connection = services.Connection;
        await connection.OpenAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var command = new NpgsqlCommand(PositionalSql[(int)ShapeOf(query)], (NpgsqlConnection)connection.DbConnection);
        try
        {
            if (connection.CurrentTransaction is { } transaction)
            {
                command.Transaction = (NpgsqlTransaction)transaction.GetDbTransaction();
            }

            if (connection.CommandTimeout is { } timeout)
            {
                command.CommandTimeout = timeout;
            }

            Bind(command.Parameters, query, named: false);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await ReadRowsAsync(reader, query, cancellationToken);
        }
        catch (Exception exception)
        {
            // Logged as EF Core's command layer logs it: the command, its duration, cancelled or failed.
            var duration = Stopwatch.GetElapsedTime(started);
            var startTime = DateTimeOffset.UtcNow - duration;
            if (services.Exceptions.IsCancellation(exception, cancellationToken))
            {
                await services.Logger.CommandCanceledAsync(
                    connection, command, command.CommandText, db, DbCommandMethod.ExecuteReader, Guid.NewGuid(), connection.ConnectionId, startTime,
                    duration, CommandSource.FromSqlQuery, CancellationToken.None);
            }
            else
            {
                await services.Logger.CommandErrorAsync(
                    connection, command, command.CommandText, db, DbCommandMethod.ExecuteReader, Guid.NewGuid(), connection.ConnectionId, exception,
                    startTime, duration, CommandSource.FromSqlQuery, CancellationToken.None);
            }

            throw;
        }
        finally
        {
            await command.DisposeAsync();
            await connection.CloseAsync();
        }
    }

    // Through EF Core's command layer, which raises the command events for whatever watches them.
    private async Task<List<ListingResponse>> ReadThroughCommandLayerAsync(
        ListingsDbContext db, ContextServices services, ListingQuery query, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(query);
        var command = _commands[(int)shape] ??= services.CommandBuilders.Create()
            .Append(services.NamedParameters ? NamedSql[(int)shape] : PositionalSql[(int)shape])
            .AddParameter(new QueryParameter(services.NamedParameters))
            .Build();
        await using var reader = await command.ExecuteReaderAsync(
            new RelationalCommandParameterObject(
                services.Connection,
                new Dictionary<string, object?>(1) { [QueryValue] = query },
                readerColumns: null,
                db,
                services.Logger,
                CommandSource.FromSqlQuery),
            cancellationToken);
        return await ReadRowsAsync(reader.DbDataReader, query, cancellationToken);
    }

    private static async Task<List<ListingResponse>> ReadRowsAsync(DbDataReader row, ListingQuery query, CancellationToken cancellationToken)
    {
        var items = new List<ListingResponse>(query.PageSize + 1);
        while (await row.ReadAsync(cancellationToken))
        {
            items.Add(Read(row));
        }

        return items;
    }

    // Ordinals follow Columns. A timestamptz is read as a UTC DateTime: GetFieldValue<DateTimeOffset> is a generic
    // virtual call through DbDataReader, resolved at run time on every call (two per row).
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
        CreatedAt: new DateTimeOffset(row.GetDateTime(4)),
        UpdatedAt: new DateTimeOffset(row.GetDateTime(11)),
        OwnerId: row.GetGuid(7));

    private static Shape ShapeOf(ListingQuery query) =>
        (query.City is null ? Shape.None : Shape.City)
        | (query.MinPrice is null ? Shape.None : Shape.MinPrice)
        | (query.MaxPrice is null ? Shape.None : Shape.MaxPrice)
        | (query.After is null ? Shape.None : Shape.Cursor);

    // The statement of a shape. Its placeholders come in the order Bind adds the parameters ($1 is the first).
    private static string Statement(Shape shape, bool named)
    {
        var count = 0;
        string Placeholder(string name) => named ? "@" + name : "$" + (++count).ToString(CultureInfo.InvariantCulture);

        var conditions = new List<string>(4);
        if (shape.HasFlag(Shape.City))
        {
            conditions.Add("l.city = " + Placeholder("city"));
        }

        if (shape.HasFlag(Shape.MinPrice))
        {
            conditions.Add("l.price >= " + Placeholder("min_price"));
        }

        if (shape.HasFlag(Shape.MaxPrice))
        {
            conditions.Add("l.price <= " + Placeholder("max_price"));
        }

        if (shape.HasFlag(Shape.Cursor))
        {
            // A row-value comparison, which the (created_at DESC, id DESC) indexes serve as a seek.
            conditions.Add($"(l.created_at, l.id) < ({Placeholder("after_created_at")}, {Placeholder("after_id")})");
        }

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM listings AS l");
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY l.created_at DESC, l.id DESC LIMIT ").Append(Placeholder("take"));
        if (!shape.HasFlag(Shape.Cursor))
        {
            sql.Append(" OFFSET ").Append(Placeholder("offset"));
        }

        return sql.ToString();
    }

    // The query's values, in the order (and under the names) Statement writes their placeholders; typed, so no value
    // is boxed or inferred. Positional parameters have no name: Npgsql sends the statement as written.
    private static void Bind(DbParameterCollection parameters, ListingQuery query, bool named)
    {
        void Add<T>(string name, T value) =>
            parameters.Add(new NpgsqlParameter<T> { ParameterName = named ? name : string.Empty, TypedValue = value });

        if (query.City is { } city)
        {
            Add("city", city);
        }

        if (query.MinPrice is { } minPrice)
        {
            Add("min_price", minPrice);
        }

        if (query.MaxPrice is { } maxPrice)
        {
            Add("max_price", maxPrice);
        }

        if (query.After is { } after)
        {
            Add("after_created_at", after.CreatedAt);
            Add("after_id", after.Id);
        }

        Add("take", query.PageSize + 1);
        if (query.After is null)
        {
            Add("offset", query.Offset);
        }
    }

    // What the read needs of its context, resolved once per context.
    private sealed class ContextServices(ListingsDbContext db)
    {
        public IRelationalConnection Connection { get; } = db.GetService<IRelationalConnection>();

        public IRelationalCommandDiagnosticsLogger Logger { get; } = db.GetService<IRelationalCommandDiagnosticsLogger>();

        public IRelationalCommandBuilderFactory CommandBuilders { get; } = db.GetService<IRelationalCommandBuilderFactory>();

        public IExceptionDetector Exceptions { get; } = db.GetService<IExceptionDetector>();

        public IExecutionStrategy Strategy { get; } = db.Database.CreateExecutionStrategy();

        // Interceptors are fixed when the context's options are built; the policy adds a command interceptor only behind
        // a transaction pooler.
        public bool CommandInterceptors { get; } = db.GetService<IInterceptors>().Aggregate<IDbCommandInterceptor>() is not null;

        public bool NamedParameters { get; } = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()
            ?.Interceptors?.OfType<StatementLimitsInterceptor>().Any() == true;

        // Log levels and listeners can change while the app runs, so they are asked per read (each a flag check).
        // EF Core logs an executed command at Information.
        public bool CommandEventsWatched() =>
            CommandInterceptors
            || Logger.Logger.IsEnabled(LogLevel.Information)
            || Logger.DbContextLogger.ShouldLog(RelationalEventId.CommandExecuted, LogLevel.Information)
            || Logger.DiagnosticSource.IsEnabled(RelationalEventId.CommandExecuted.Name!)
            || Connection.DbConnection is not NpgsqlConnection;
    }

    // Adds the page query's parameters to EF Core's command (the value bound under QueryValue).
    private sealed class QueryParameter(bool named) : IRelationalParameter
    {
        public string InvariantName => QueryValue;

        public void AddDbParameter(DbCommand command, object? value) =>
            Bind(command.Parameters, value as ListingQuery ?? throw new InvalidOperationException("No page query was bound."), named);

        public void AddDbParameter(DbCommand command, IReadOnlyDictionary<string, object?>? parameterValues) =>
            AddDbParameter(command, parameterValues?.GetValueOrDefault(QueryValue));
    }
}
