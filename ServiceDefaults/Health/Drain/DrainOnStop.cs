using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Listings.ServiceDefaults.Health;

/// <summary>
/// Drains the replica when the host stops. <see cref="StoppingAsync"/> runs before any hosted service stops, the web
/// server included: it marks the replica draining (<see cref="DrainHealthCheck"/> fails <c>/health</c>, answers carry
/// <c>Connection: close</c>) and keeps serving for the grace period. Then the host stops the web server, which stops
/// taking connections and waits for the requests in progress until the host's shutdown timeout, set to the grace period
/// plus <see cref="DrainOptions.RequestTimeoutSeconds"/>. Once every service has stopped, the pools are cleared, so the
/// server's connections close before the process exits, and telemetry is flushed within <see cref="TelemetryFlushTimeout"/>.
/// </summary>
public sealed partial class DrainOnStop(IOptions<DrainOptions> settings, IServiceProvider services, ILogger<DrainOnStop> logger) : IHostedLifecycleService
{
    /// <summary>The longest the last export of metrics, traces and logs may take once the requests are done.</summary>
    public static readonly TimeSpan TelemetryFlushTimeout = TimeSpan.FromSeconds(1);

    private readonly DrainOptions _options = settings.Value;
    private volatile bool _draining;

    /// <summary>True from the moment the host starts stopping.</summary>
    public bool IsDraining => _draining;

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        LogDraining(_options.GracePeriodSeconds, _options.RequestTimeoutSeconds);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(_options.GracePeriodSeconds), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first: stop now.
        }
    }

    /// <inheritdoc />
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        foreach (var source in services.GetServices<NpgsqlDataSource>())
        {
            source.Clear();
        }

        LogStopped();

        // Telemetry's last export, bounded: an exporter whose collector is already gone (the dashboard stops with the
        // AppHost) would otherwise hold the exit for its export timeout, 10 s per signal, past the 6 s after which Aspire's
        // Stop kills the process and reports the stop as failed. Shut down here, disposal finds nothing left to do.
        var timeout = (int)TelemetryFlushTimeout.TotalMilliseconds;
        await Task.WhenAll(
            Task.Run(() => services.GetService<MeterProvider>()?.Shutdown(timeout), CancellationToken.None),
            Task.Run(() => services.GetService<TracerProvider>()?.Shutdown(timeout), CancellationToken.None),
            Task.Run(() => services.GetService<LoggerProvider>()?.Shutdown(timeout), CancellationToken.None));
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stopping: /health fails now; serving {GracePeriodSeconds} s more for load balancers to notice, then in-flight requests get {RequestTimeoutSeconds} s")]
    private partial void LogDraining(int gracePeriodSeconds, int requestTimeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped: requests finished, database pools cleared")]
    private partial void LogStopped();
}
