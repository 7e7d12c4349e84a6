using System.Text.Json;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace Listings.Api.Errors;

/// <summary>
/// Turns every exception escaping an endpoint into problem details without a stack trace: a malformed request keeps its
/// 4xx; a database that is unreachable, saturated or refuses the connection (<see cref="ConnectionProblemClassifier"/>),
/// or a query ended at its statement or lock timeout, is a 503 with <c>Retry-After</c>; anything else a 500.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(ILogger<ProblemDetailsExceptionHandler> logger, PoolUsage? pool = null) : IExceptionHandler
{
    // Long enough for a pool connection to free up or a failover to finish, short enough to keep clients responsive.
    private const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException badRequest => BadRequest(httpContext, badRequest),
            _ when ConnectionProblemClassifier.FindStatementLimit(exception) is { } limited => WorkBounded(httpContext, limited),
            _ when ConnectionProblemClassifier.FindTransient(exception) is { } transient => DatabaseUnavailable(httpContext, transient),
            // A connection failure that time does not heal (wrong password, SSL refused) is no bug either.
            _ when ConnectionProblemClassifier.FindConnectionProblem(exception) is not null => DatabaseUnavailable(httpContext, exception.GetBaseException()),
            _ => Unexpected(httpContext, exception),
        };

        // Written through IProblemDetailsService (with the trace id), or as plain JSON when Accept rules that out.
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }

    private ProblemDetails BadRequest(HttpContext httpContext, BadHttpRequestException exception)
    {
        LogBadRequest(httpContext.Request.Method, httpContext.Request.Path, exception.StatusCode, exception.Message);
        var problem = exception.InnerException is JsonException { Path: ['$', '.', .. var member] } json
            // The JSON reader names the member it could not read: report it as the validator reports a member.
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [member] = [JsonReason(json)] })
            : new ProblemDetails();
        problem.Status = exception.StatusCode;
        problem.Title = ReasonPhrases.GetReasonPhrase(exception.StatusCode);
        problem.Detail = exception.Message;
        return problem;
    }

    // The reader's message without its " Path: ... | LineNumber: ..." tail, which the errors key already says.
    private static string JsonReason(JsonException exception) =>
        exception.Message.Split(" Path: ", 2)[0];

    private ProblemDetails DatabaseUnavailable(HttpContext httpContext, Exception transient)
    {
        LogDatabaseUnavailable(
            httpContext.Request.Method, httpContext.Request.Path, transient.GetType().Name, transient.Message,
            pool?.InUse ?? -1, pool?.MaxPoolSize ?? -1, pool?.Waiting ?? -1);
        // A refused login pauses connecting for longer (LoginBackoff): tell the client when it ends.
        var retryAfter = transient is TransientDatabaseException { RetryAfter: { } after } ? (int)Math.Ceiling(after.TotalSeconds) : RetryAfterSeconds;
        httpContext.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Npgsql's exhaustion error: the database is up, every connection is busy (and the wait ran out).
        var exhausted = ConnectionProblemClassifier.IsPoolExhausted(transient);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = exhausted ? "Service busy" : "Service unavailable",
            Detail = exhausted
                ? "Every database connection is busy; retry shortly."
                : "The database is unavailable; retry shortly.",
        };
    }

    // The server ended the query at its statement or lock timeout: the work was bounded on purpose, not a bug.
    private ProblemDetails WorkBounded(HttpContext httpContext, PostgresException limited)
    {
        LogWorkBounded(httpContext.Request.Method, httpContext.Request.Path, limited.SqlState, limited.MessageText);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lockWait = limited.SqlState == PostgresErrorCodes.LockNotAvailable;
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service busy",
            Detail = lockWait
                ? "The data is locked by other work for longer than a request may wait; retry shortly."
                : "The database work took longer than a request may take; retry shortly.",
        };
    }

    private ProblemDetails Unexpected(HttpContext httpContext, Exception exception)
    {
        LogUnexpected(exception, httpContext.Request.Method, httpContext.Request.Path);
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Internal server error",
            Detail = "An unexpected error occurred.",
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rejected {Method} {Path} with {StatusCode}: {Reason}")]
    private partial void LogBadRequest(string method, PathString path, int statusCode, string reason);

    // Without the exception: one line per failed request is enough, and the message names the host at most.
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Database unavailable during {Method} {Path}: {ExceptionType}: {Reason} (pool: {InUse} of {MaxPoolSize} in use, {Waiting} waiting)")]
    private partial void LogDatabaseUnavailable(string method, PathString path, string exceptionType, string reason, int inUse, int maxPoolSize, int waiting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database work bounded during {Method} {Path}: {SqlState} {Reason}")]
    private partial void LogWorkBounded(string method, PathString path, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception during {Method} {Path}")]
    private partial void LogUnexpected(Exception exception, string method, PathString path);
}
