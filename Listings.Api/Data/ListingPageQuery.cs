using System.Diagnostics;
using System.Globalization;
using System.Text;
using Listings.Api.Auth.RowLevelSecurity;
using Listings.Api.Listings;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Listings.Api.Data;

/// <summary>
/// The one read of a page of listings and of its count: SQL written from <see cref="ListingFilters"/>, one statement per
/// combination of filters and cursor. It runs on the context's connection, opened through EF Core so the pool policy's
/// interceptors bound every open, inside the execution strategy, so the read is one retriable operation. It skips EF
/// Core's LINQ pipeline and command layer, per-request work on the hottest request: a compiled LINQ query costs more CPU
/// (<c>benchmarks/README.md</c>, "What the read path keeps"); every other query is LINQ.
/// </summary>
/// <remarks>
/// Behind a transaction pooler the plan's statement limits go first, as a batch command of their own, and with row-level
/// security on so does the read role: the server runs the batch as one implicit transaction, so both end with the read.
/// EF Core's command log and diagnostic events see the statement; its command interceptors do not. <c>ListingPageQueryTests</c> checks the rows against LINQ for every shape.
/// </remarks>
internal sealed class ListingPageQuery
{
    // In ListingResponse's order, as ReadRowsAsync reads them.
    private const string Columns =
        "l.id, l.title, l.description, l.city, l.price, l.currency, l.bedrooms, l.bathrooms, l.surface_square_meters, l.created_at, "
        + "l.updated_at, l.owner_id";

    // A shape is a bit per set filter, in the table's order, and one more for the cursor.
    private static readonly int CursorBit = 1 << ListingFilters.All.Length;
    private static readonly string[] PageSql = [.. Enumerable.Range(0, CursorBit << 1).Select(shape => Statement(shape, page: true))];
    private static readonly string[] CountSql = [.. Enumerable.Range(0, CursorBit).Select(shape => Statement(shape, page: false))];

    private readonly ListingsDbContext _db;
    private readonly IRelationalConnection _connection;
    private readonly IRelationalCommandDiagnosticsLogger _logger;

    // One strategy per pooled context, kept across its leases: a new one seeds a Random from /dev/urandom.
    private readonly IExecutionStrategy _strategy;
    private readonly string? _limitsSql;
    private readonly bool _readAnonymously;

    /// <summary>Resolves what the reads need of <paramref name="db"/>, once per pooled context.</summary>
    public ListingPageQuery(ListingsDbContext db)
    {
        _db = db;
        _connection = db.GetService<IRelationalConnection>();
        _logger = db.GetService<IRelationalCommandDiagnosticsLogger>();
        _strategy = db.Database.CreateExecutionStrategy();
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        _limitsSql = interceptors.OfType<StatementLimitsInterceptor>().FirstOrDefault()?.LimitsSql;
        _readAnonymously = interceptors.OfType<RowLevelSecurityInterceptor>().Any();
    }

    /// <summary>Reads the page <paramref name="query"/> asks for, plus one row that tells whether a next page exists.</summary>
    public Task<List<ListingResponse>> ReadPageAsync(ListingQuery query, CancellationToken cancellationToken) =>
        RunAsync(PageSql[ShapeOf(query)], query, page: true, ReadRowsAsync, cancellationToken);

    /// <summary>Counts the listings the filters of <paramref name="query"/> select.</summary>
    public Task<int> CountAsync(ListingQuery query, CancellationToken cancellationToken) =>
        RunAsync(CountSql[ShapeOf(query) & (CursorBit - 1)], query, page: false, ReadCountAsync, cancellationToken);

    private Task<T> RunAsync<T>(
        string sql, ListingQuery query, bool page, Func<NpgsqlDataReader, ListingQuery, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        // The strategy retries the whole read: rows are collected, never handed out half-read.
        _strategy.ExecuteAsync(
            (Reads: this, Sql: sql, Query: query, Page: page, Read: read),
            static (_, state, token) => state.Reads.RunOnceAsync(state.Sql, state.Query, state.Page, state.Read, token),
            verifySucceeded: null,
            cancellationToken);

    private async Task<T> RunOnceAsync<T>(
        string sql, ListingQuery query, bool page, Func<NpgsqlDataReader, ListingQuery, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await _connection.OpenAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var statement = new NpgsqlBatchCommand(sql);
        Bind(statement.Parameters, query, page);
        var batch = new NpgsqlBatch((NpgsqlConnection)_connection.DbConnection);
        try
        {
            if (_connection.CurrentTransaction is { } transaction)
            {
                batch.Transaction = (NpgsqlTransaction)transaction.GetDbTransaction();
            }
            else if (_readAnonymously)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(RowLevelSecurityInterceptor.ReadRoleSql));
            }

            if (_connection.CommandTimeout is { } timeout)
            {
                batch.Timeout = timeout;
            }

            if (_limitsSql is not null)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(_limitsSql));
            }

            batch.BatchCommands.Add(statement);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var result = await read(reader, query, cancellationToken);
            if (CommandLogged())
            {
                await _logger.CommandReaderExecutedAsync(
                    _connection, StandIn(statement), statement.CommandText, _db, Guid.NewGuid(), _connection.ConnectionId, reader, StartTime(started),
                    Stopwatch.GetElapsedTime(started), CommandSource.FromSqlQuery, cancellationToken);
            }

            return result;
        }
        catch (Exception exception)
        {
            // Logged as EF Core's command layer logs a failed or cancelled command.
            var duration = Stopwatch.GetElapsedTime(started);
            if (_db.GetService<IExceptionDetector>().IsCancellation(exception, cancellationToken))
            {
                await _logger.CommandCanceledAsync(
                    _connection, StandIn(statement), statement.CommandText, _db, DbCommandMethod.ExecuteReader, Guid.NewGuid(), _connection.ConnectionId,
                    StartTime(started), duration, CommandSource.FromSqlQuery, CancellationToken.None);
            }
            else
            {
                await _logger.CommandErrorAsync(
                    _connection, StandIn(statement), statement.CommandText, _db, DbCommandMethod.ExecuteReader, Guid.NewGuid(), _connection.ConnectionId,
                    exception, StartTime(started), duration, CommandSource.FromSqlQuery, CancellationToken.None);
            }

            throw;
        }
        finally
        {
            await batch.DisposeAsync();
            await _connection.CloseAsync();
        }
    }

    private static async Task<List<ListingResponse>> ReadRowsAsync(NpgsqlDataReader row, ListingQuery query, CancellationToken cancellationToken)
    {
        var items = new List<ListingResponse>(query.PageSize + 1);
        while (await row.ReadAsync(cancellationToken))
        {
            // A timestamptz is read as a UTC DateTime: GetFieldValue<DateTimeOffset> is a generic virtual call per value.
            items.Add(new ListingResponse(
                row.GetInt64(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetDecimal(4), row.GetString(5), row.GetInt32(6),
                row.GetInt32(7), row.GetDecimal(8), new DateTimeOffset(row.GetDateTime(9)), new DateTimeOffset(row.GetDateTime(10)), row.GetGuid(11)));
        }

        return items;
    }

    private static async Task<int> ReadCountAsync(NpgsqlDataReader row, ListingQuery query, CancellationToken cancellationToken)
    {
        await row.ReadAsync(cancellationToken);
        return row.GetInt32(0);
    }

    // EF Core's command log at Information, a LogTo logger or a diagnostic listener: asked per read, as levels can change.
    private bool CommandLogged() =>
        _logger.Logger.IsEnabled(LogLevel.Information)
        || _logger.DbContextLogger.ShouldLog(RelationalEventId.CommandExecuted, LogLevel.Information)
        || _logger.DiagnosticSource.IsEnabled(RelationalEventId.CommandExecuted.Name!);

    // What EF Core's logger is shown: the statement and its parameters, never executed.
    private static NpgsqlCommand StandIn(NpgsqlBatchCommand statement)
    {
        var command = new NpgsqlCommand(statement.CommandText);
        foreach (NpgsqlParameter parameter in statement.Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        return command;
    }

    private static DateTimeOffset StartTime(long started) => DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(started);

    private static int ShapeOf(ListingQuery query)
    {
        var shape = query.After is null ? 0 : CursorBit;
        for (var i = 0; i < ListingFilters.All.Length; i++)
        {
            if (ListingFilters.All[i].Value(query) is not null)
            {
                shape |= 1 << i;
            }
        }

        return shape;
    }

    // Placeholders are numbered in the order Bind adds the parameters.
    private static string Statement(int shape, bool page)
    {
        var count = 0;
        string Next() => "$" + (++count).ToString(CultureInfo.InvariantCulture);

        var conditions = ListingFilters.All.Where((_, i) => (shape & (1 << i)) != 0).Select(filter => string.Format(CultureInfo.InvariantCulture, filter.Condition, Next())).ToList();
        if ((shape & CursorBit) != 0)
        {
            // A row-value comparison, which the (created_at DESC, id DESC) index serves as a seek.
            conditions.Add($"(l.created_at, l.id) < ({Next()}, {Next()})");
        }

        var sql = new StringBuilder("SELECT ").Append(page ? Columns : "count(*)::int").Append(" FROM listings AS l");
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        if (page)
        {
            sql.Append(" ORDER BY l.created_at DESC, l.id DESC LIMIT ").Append(Next());
            if ((shape & CursorBit) == 0)
            {
                sql.Append(" OFFSET ").Append(Next());
            }
        }

        return sql.ToString();
    }

    private static void Bind(NpgsqlParameterCollection parameters, ListingQuery query, bool page)
    {
        foreach (var filter in ListingFilters.All)
        {
            if (filter.Value(query) is { } value)
            {
                parameters.Add(new NpgsqlParameter { Value = value });
            }
        }

        if (!page)
        {
            return;
        }

        if (query.After is { } after)
        {
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = after.CreatedAt });
            parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Id });
        }

        parameters.Add(new NpgsqlParameter<int> { TypedValue = query.PageSize + 1 });
        if (query.After is null)
        {
            parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Offset });
        }
    }
}
