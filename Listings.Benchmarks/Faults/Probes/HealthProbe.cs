using System.Diagnostics;
using System.Text.Json;

namespace Listings.Benchmarks.Faults.Probes;

/// <summary>Asks the API's <c>/health</c> and <c>/alive</c> every 250 ms and keeps every answer.</summary>
public sealed class HealthProbe : IDisposable
{
    /// <summary>The pause between two rounds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly HttpClient _http;
    private readonly FaultClock _clock;
    private readonly List<HealthSample> _samples = [];
    private CancellationTokenSource? _stop;
    private Task? _loop;

    /// <summary>Prepares a probe of the API at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="clock">The scenario's clock.</param>
    public HealthProbe(Uri baseAddress, FaultClock clock)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        _clock = clock;
    }

    /// <summary>Starts probing.</summary>
    public void Start()
    {
        _stop = new CancellationTokenSource();
        _loop = ProbeAsync(_stop.Token);
    }

    /// <summary>Stops probing and returns the answers in order.</summary>
    public async Task<IReadOnlyList<HealthSample>> StopAsync()
    {
        if (_stop is not null && _loop is not null)
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }

        return _samples.OrderBy(s => s.StartSeconds).ToList();
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var answers = await Task.WhenAll(AskAsync(_http, "health", _clock), AskAsync(_http, "alive", _clock));
                _samples.AddRange(answers);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>Asks <paramref name="path"/> once; no answer within the client's timeout is status 0.</summary>
    /// <param name="http">A client with the API's base address.</param>
    /// <param name="path"><c>health</c> or <c>alive</c>.</param>
    /// <param name="clock">The clock the sample is stamped on.</param>
    public static async Task<HealthSample> AskAsync(HttpClient http, string path, FaultClock clock)
    {
        var start = clock.Now;
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Not cancelled by the stop: a sample cut short would look like a hang.
            using var response = await http.GetAsync(path, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var (report, description) = Read(body);
            return new HealthSample(path, start, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode, report, description);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new HealthSample(path, start, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0);
        }
    }

    // {"status":"Degraded","entries":{"database":{"status":"Degraded","description":"..."}}}
    private static (string? Report, string? Description) Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var report = root.TryGetProperty("status", out var status) ? status.GetString() : null;
            var description = root.TryGetProperty("entries", out var entries) && entries.TryGetProperty("database", out var database)
                && database.TryGetProperty("description", out var text)
                ? text.GetString()
                : null;
            return (report, description);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
