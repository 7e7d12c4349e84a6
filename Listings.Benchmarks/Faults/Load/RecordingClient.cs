using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Listings.Benchmarks.Faults.Load;

/// <summary>
/// Sends one request to the API and turns whatever happens (an answer, a timeout, a broken connection) into a
/// <see cref="RequestRecord"/>, never an exception.
/// </summary>
public sealed class RecordingClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly FaultClock _clock;

    /// <summary>Creates a client able to hold one connection per concurrent client, sending <paramref name="bearerToken"/> on every request.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="clients">The concurrent clients it serves.</param>
    /// <param name="requestTimeout">The per-request timeout; a request without an answer by then is a timeout (a hang).</param>
    /// <param name="bearerToken">The JWT for writes.</param>
    /// <param name="clock">The scenario's clock.</param>
    public RecordingClient(Uri baseAddress, int clients, TimeSpan requestTimeout, string bearerToken, FaultClock clock)
    {
        _http = LoadGenerator.CreateClient(baseAddress, clients, requestTimeout);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        _clock = clock;
    }

    /// <summary>Sends a request and records it.</summary>
    /// <param name="kind">What the request asks.</param>
    /// <param name="request">The request; it is disposed here.</param>
    /// <param name="key">The write's key, or null.</param>
    /// <param name="attempt">The try number of the write, 1 for reads.</param>
    /// <param name="cancellationToken">Aborts the run (not a timeout).</param>
    /// <returns>The record and, for an answered request, its body.</returns>
    public async Task<(RequestRecord Record, string? Body, TimeSpan? RetryAfter)> SendAsync(
        RequestKind kind, HttpRequestMessage request, string? key, int attempt, CancellationToken cancellationToken)
    {
        using var _ = request;
        var start = _clock.Now;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            var record = new RequestRecord(kind, start, Elapsed(started), (int)response.StatusCode, RequestFailure.None,
                response.Headers.RetryAfter is not null, problem, key, attempt);
            return (record.Succeeded || !problem ? record : record with { Title = TitleOf(body) }, body, retryAfter);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new RequestRecord(kind, start, Elapsed(started), 0, RequestFailure.Timeout, false, false, key, attempt), null, null);
        }
        catch (HttpRequestException)
        {
            return (new RequestRecord(kind, start, Elapsed(started), 0, RequestFailure.Connection, false, false, key, attempt), null, null);
        }
    }

    /// <summary>Sends a GET and returns its body when it answered 200, else null.</summary>
    /// <param name="path">The relative path.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<string?> GetStringOrNullAsync(string path, CancellationToken cancellationToken)
    {
        var (record, body, _) = await SendAsync(RequestKind.List, new HttpRequestMessage(HttpMethod.Get, path), null, 1, cancellationToken);
        return record.Status == 200 ? body : null;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string? TitleOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
