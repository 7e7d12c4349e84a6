using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Listings.Benchmarks.Faults.Load;

namespace Listings.Benchmarks.Replicas;

/// <summary>
/// Write-then-read pairs against the API with a replica: each worker creates a listing (with an <c>Idempotency-Key</c>),
/// then at once reads it twice side by side, once sending the answer's <c>Listings-Consistency</c> token back and once
/// without it. A 404 is a stale read; a stale read without the token is read again every
/// <see cref="ReplicaOptions.RepollInterval"/> until the listing shows, which times how stale the replica was: to the
/// answer of the first read that shows it, and to its start (the data age).
/// </summary>
public sealed class ConsistencyPairs : IDisposable
{
    private const string TokenHeader = "Listings-Consistency";
    private const string ListingsPath = "api/v1/listings";

    private readonly HttpClient _client;
    private readonly ReplicaOptions _options;
    private readonly string _marker;

    /// <summary>Creates the pairs' client.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="bearerToken">The JWT writes carry.</param>
    /// <param name="options">The workers and the re-reads.</param>
    /// <param name="marker">The run-unique start of every title and key.</param>
    public ConsistencyPairs(Uri baseAddress, string bearerToken, ReplicaOptions options, string marker)
    {
        // Two reads at once per worker, and the write.
        _client = LoadGenerator.CreateClient(baseAddress, 2 * options.Workers, TimeSpan.FromSeconds(10));
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        _options = options;
        _marker = marker;
    }

    /// <summary>Runs pairs on <see cref="ReplicaOptions.Workers"/> workers as long as <paramref name="startNext"/> allows.</summary>
    /// <param name="name">The run's name, in the report and in the keys.</param>
    /// <param name="startNext">Given the next pair's number (from 0), whether it starts; once false, the worker stops.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<ConsistencyOutcome> RunAsync(string name, Func<int, bool> startNext, CancellationToken cancellationToken)
    {
        var pairs = new ConcurrentBag<Pair>();
        var refused = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(async _ =>
        {
            int number;
            while (startNext(number = Interlocked.Increment(ref next)))
            {
                if (await PairAsync($"{_marker}-{name.Replace(' ', '-')}-{number}", cancellationToken) is { } pair)
                {
                    pairs.Add(pair);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));

        var limit = _options.RepollLimit.TotalMilliseconds;
        var untilSeen = pairs.Select(p => p.UntilSeenMs ?? limit).Order().ToArray();
        var stale = pairs.Where(p => p.WithoutToken == HttpStatusCode.NotFound).ToArray();
        var staleUntilSeen = stale.Select(p => p.UntilSeenMs ?? limit).Order().ToArray();
        var dataAge = stale.Select(p => p.DataAgeMs ?? limit).Order().ToArray();
        return new ConsistencyOutcome
        {
            Name = name,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Pairs = pairs.Count,
            WritesRefused = refused,
            StaleWithToken = pairs.Count(p => p.WithToken == HttpStatusCode.NotFound),
            OtherWithToken = pairs.Count(p => p.WithToken is not (HttpStatusCode.OK or HttpStatusCode.NotFound)),
            StaleWithoutToken = stale.Length,
            OtherWithoutToken = pairs.Count(p => p.WithoutToken is not (HttpStatusCode.OK or HttpStatusCode.NotFound)),
            NeverVisible = stale.Count(p => p.UntilSeenMs is null),
            UntilSeenMaxMs = untilSeen.Length == 0 ? 0 : Math.Round(untilSeen[^1], 1),
            UntilSeenP99Ms = Math.Round(LoadGenerator.Percentile(untilSeen, 0.99), 1),
            StaleUntilSeenP50Ms = Math.Round(LoadGenerator.Percentile(staleUntilSeen, 0.5), 1),
            DataAgeP50Ms = Math.Round(LoadGenerator.Percentile(dataAge, 0.5), 1),
            DataAgeP99Ms = Math.Round(LoadGenerator.Percentile(dataAge, 0.99), 1),
            DataAgeMaxMs = dataAge.Length == 0 ? 0 : Math.Round(dataAge[^1], 1),
            LastStaleStartMaxMs = stale.Length == 0 ? 0 : Math.Round(stale.Max(p => p.LastStaleStartMs), 1),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    // One write and its two reads; null when the write was not answered 201 with a token.
    private async Task<Pair?> PairAsync(string key, CancellationToken cancellationToken)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, ListingsPath) { Content = ListingBody.For(_marker, key) };
        create.Headers.Add("Idempotency-Key", key);
        using var created = await _client.SendAsync(create, cancellationToken);
        var acknowledged = Stopwatch.GetTimestamp();
        if (created.StatusCode != HttpStatusCode.Created || !created.Headers.TryGetValues(TokenHeader, out var tokens))
        {
            return null;
        }

        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync(cancellationToken))!["id"]!.GetValue<long>();
        var path = $"{ListingsPath}/{id}";
        var withToken = StatusAsync(path, tokens.Single(), cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var withoutToken = StatusAsync(path, null, cancellationToken);
        await Task.WhenAll(withToken, withoutToken);
        return await withoutToken == HttpStatusCode.NotFound
            ? await UntilVisibleAsync(await withToken, path, acknowledged, started, cancellationToken)
            : new Pair(await withToken, await withoutToken, 0, 0, 0);
    }

    // Reads a stale write again until a read without the token finds it: the pair with the milliseconds from the
    // write's answer to that read's answer and to its start (null when none found it within the limit), and to the start
    // of the last read that did not.
    private async Task<Pair> UntilVisibleAsync(HttpStatusCode withToken, string path, long acknowledged, long lastStale, CancellationToken cancellationToken)
    {
        double Since(long timestamp) => Stopwatch.GetElapsedTime(acknowledged, timestamp).TotalMilliseconds;
        while (Stopwatch.GetElapsedTime(acknowledged) < _options.RepollLimit)
        {
            await Task.Delay(_options.RepollInterval, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            if (await StatusAsync(path, null, cancellationToken) == HttpStatusCode.OK)
            {
                return new Pair(withToken, HttpStatusCode.NotFound, Since(Stopwatch.GetTimestamp()), Since(started), Since(lastStale));
            }

            lastStale = started;
        }

        return new Pair(withToken, HttpStatusCode.NotFound, null, null, Since(lastStale));
    }

    private async Task<HttpStatusCode> StatusAsync(string path, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, token);
        }

        using var response = await _client.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    // What one pair's reads were answered and, when the read without the token was stale, the milliseconds from the
    // write's answer to the answer and to the start of the first read that found it (null when none did), and to the
    // start of the last read that did not (all 0 when it was fresh).
    private sealed record Pair(HttpStatusCode WithToken, HttpStatusCode WithoutToken, double? UntilSeenMs, double? DataAgeMs, double LastStaleStartMs);
}
