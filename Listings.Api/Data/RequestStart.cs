using System.Diagnostics;

namespace Listings.Api.Data;

/// <summary>
/// When the current request arrived, for the retry budget (<see cref="BoundedRetryingExecutionStrategy"/>): the client
/// waits from then, so time queued for admission counts too.
/// </summary>
public static class RequestStart
{
    private static readonly AsyncLocal<long> Timestamp = new();

    /// <summary>The <see cref="Stopwatch"/> timestamp of the current request's arrival, or null outside a request.</summary>
    public static long? Current => Timestamp.Value is var at && at != 0 ? at : null;

    /// <summary>Records every request's arrival before anything else of it runs.</summary>
    public static IApplicationBuilder UseRequestStart(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        Timestamp.Value = Stopwatch.GetTimestamp();
        return next(context);
    });
}
