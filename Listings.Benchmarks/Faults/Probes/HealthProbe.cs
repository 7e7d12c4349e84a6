using System.Diagnostics;

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
                var answers = await Task.WhenAll(AskAsync("health"), AskAsync("alive"));
                _samples.AddRange(answers);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task<HealthSample> AskAsync(string path)
    {
        var start = _clock.Now;
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Not cancelled by the stop: a sample cut short would look like a hang.
            using var response = await _http.GetAsync(path, CancellationToken.None);
            return new HealthSample(path, start, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new HealthSample(path, start, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0);
        }
    }
}
