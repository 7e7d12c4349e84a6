using System.Diagnostics;
using System.Net;

namespace Listings.Benchmarks;

/// <summary>What a closed-loop storm saw, counted exactly on the client side.</summary>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="DurationSeconds">How long new requests were sent.</param>
/// <param name="ElapsedSeconds">From the first request to the last answer (the storm plus draining in-flight requests).</param>
/// <param name="StatusCounts">Responses by HTTP status code.</param>
/// <param name="ServiceUnavailableWithRetryAfter">503 responses that carried a <c>Retry-After</c> header.</param>
/// <param name="ConnectionErrors">Requests that failed without a response (refused, reset).</param>
/// <param name="Timeouts">Requests that got no answer within the client's per-request timeout.</param>
/// <param name="LatenciesMs">Latency of every answered request, in milliseconds, sorted.</param>
public sealed record StormOutcome(
    int Clients,
    double DurationSeconds,
    double ElapsedSeconds,
    IReadOnlyDictionary<int, long> StatusCounts,
    long ServiceUnavailableWithRetryAfter,
    long ConnectionErrors,
    long Timeouts,
    double[] LatenciesMs)
{
    /// <summary>Gets the number of HTTP responses of any status.</summary>
    public long Responses => StatusCounts.Values.Sum();

    /// <summary>Gets the number of 200 responses.</summary>
    public long Ok => StatusCounts.GetValueOrDefault(200);
}

/// <summary>
/// A closed-loop HTTP load generator: each client sends its next request as soon as the previous one is answered,
/// so the offered load adapts to the server, as real users retrying a slow page do.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Creates a client able to hold one connection per concurrent client.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="clients">The number of concurrent clients.</param>
    /// <param name="requestTimeout">The per-request timeout; requests beyond it count as timeouts.</param>
    public static HttpClient CreateClient(Uri baseAddress, int clients, TimeSpan requestTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(clients, 1),
            // Connections are never recycled mid-storm, so reconnect cost never mixes into the latencies.
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = requestTimeout };
    }

    /// <summary>
    /// Runs <paramref name="clients"/> closed loops against <paramref name="path"/> for <paramref name="duration"/>,
    /// then waits for the requests still in flight (each bounded by the client's timeout).
    /// </summary>
    /// <param name="client">A client from <see cref="CreateClient"/>.</param>
    /// <param name="path">The relative request path.</param>
    /// <param name="clients">Concurrent clients.</param>
    /// <param name="duration">How long new requests are sent.</param>
    /// <param name="cancellationToken">Aborts the storm.</param>
    public static async Task<StormOutcome> RunAsync(HttpClient client, string path, int clients, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var statusCounts = new long[600];
        long retryAfter = 0, connectionErrors = 0, timeouts = 0;
        var latencies = new List<double>[clients];
        var clock = Stopwatch.StartNew();

        async Task ClientLoopAsync(int index)
        {
            var mine = latencies[index] = [];
            // Yield first so all loops start together instead of the first ones running alone.
            await Task.Yield();
            while (clock.Elapsed < duration)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var status = (int)response.StatusCode;
                    Interlocked.Increment(ref statusCounts[Math.Clamp(status, 0, statusCounts.Length - 1)]);
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
                    {
                        Interlocked.Increment(ref retryAfter);
                    }
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref timeouts);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref connectionErrors);
                    // A refused or reset connection fails at once; pausing keeps one broken loop from spinning.
                    await Task.Delay(10, cancellationToken);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(ClientLoopAsync));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        var counts = Enumerable.Range(0, statusCounts.Length)
            .Where(s => statusCounts[s] > 0)
            .ToDictionary(s => s, s => statusCounts[s]);
        return new StormOutcome(clients, duration.TotalSeconds, elapsed, counts, retryAfter, connectionErrors, timeouts, all);
    }

    /// <summary>Gets the <paramref name="quantile"/> (0 to 1) of sorted values, or NaN when there are none.</summary>
    /// <param name="sorted">Values sorted ascending.</param>
    /// <param name="quantile">The quantile, e.g. 0.99.</param>
    public static double Percentile(double[] sorted, double quantile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
