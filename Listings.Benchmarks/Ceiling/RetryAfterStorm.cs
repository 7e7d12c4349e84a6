using System.Diagnostics;
using System.Net;

namespace Listings.Benchmarks.Ceiling;

/// <summary>What a storm of clients that honour <c>Retry-After</c> saw.</summary>
/// <param name="Clients">Clients, each wanting one page.</param>
/// <param name="Answered">Clients that got their 200.</param>
/// <param name="SecondsUntilAllAnswered">From the start until the last client got its 200 (or the cap).</param>
/// <param name="P50Seconds">The median time until a client got its 200.</param>
/// <param name="ServiceUnavailable">503 answers on the way.</param>
/// <param name="MaxTries">The most requests one client needed.</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> values seen, smallest and largest, e.g. "1-3".</param>
public sealed record RetryStormOutcome(int Clients, int Answered, double SecondsUntilAllAnswered, double P50Seconds,
    long ServiceUnavailable, int MaxTries, string RetryAfterSeconds);

/// <summary>
/// Clients that want one page each and behave as a well-written client should: on 503 they wait what
/// <c>Retry-After</c> says (1 s without one, or after a failed connection), then ask again. Per-request records need
/// a client of our own, which is why this storm is not run by <c>wrk</c>.
/// </summary>
public static class RetryAfterStorm
{
    /// <summary>Runs the storm until every client has its page or <paramref name="cap"/> has passed.</summary>
    public static async Task<RetryStormOutcome> RunAsync(Uri baseAddress, string path, int clients, TimeSpan cap, CancellationToken cancellationToken)
    {
        using var client = LoadGenerator.CreateClient(baseAddress, clients, TimeSpan.FromSeconds(30));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(cap);
        var clock = Stopwatch.StartNew();
        long unavailable = 0;
        var retryAfterMin = int.MaxValue;
        var retryAfterMax = 0;

        async Task<(double? Seconds, int Tries)> OneClientAsync()
        {
            await Task.Yield();
            var tries = 0;
            while (!stop.IsCancellationRequested)
            {
                tries++;
                var wait = TimeSpan.FromSeconds(1);
                try
                {
                    using var response = await client.GetAsync(path, stop.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return (clock.Elapsed.TotalSeconds, tries);
                    }

                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref unavailable);
                    }

                    if (response.Headers.RetryAfter?.Delta is { } delta)
                    {
                        wait = delta;
                        var seconds = (int)delta.TotalSeconds;
                        InterlockedMin(ref retryAfterMin, seconds);
                        InterlockedMax(ref retryAfterMax, seconds);
                    }
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
                {
                    // A refused connection or a client timeout: come back after a second, as a browser would.
                }

                try
                {
                    await Task.Delay(wait, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return (null, tries);
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => OneClientAsync()));
        cancellationToken.ThrowIfCancellationRequested();
        var answered = outcomes.Where(o => o.Seconds is not null).Select(o => o.Seconds!.Value).Order().ToArray();
        return new RetryStormOutcome(
            clients,
            answered.Length,
            Math.Round(answered.Length == clients ? answered[^1] : cap.TotalSeconds, 2),
            Math.Round(answered.Length == 0 ? double.NaN : answered[answered.Length / 2], 2),
            unavailable,
            outcomes.Max(o => o.Tries),
            retryAfterMax == 0 ? "none" : $"{retryAfterMin}-{retryAfterMax}");
    }

    private static void InterlockedMin(ref int target, int value)
    {
        int current;
        while (value < (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
