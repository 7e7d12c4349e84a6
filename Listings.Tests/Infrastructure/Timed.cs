using System.Diagnostics;

namespace Listings.Tests.Infrastructure;

/// <summary>A request with how long its answer took: for "answered promptly" checks with generous bounds.</summary>
public static class Timed
{
    /// <summary>Sends the request and measures until its answer.</summary>
    public static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        var stopwatch = Stopwatch.StartNew();
        var response = await send();
        return (response, stopwatch.Elapsed);
    }
}
