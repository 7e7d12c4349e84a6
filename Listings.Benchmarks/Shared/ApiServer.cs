using System.Diagnostics;

namespace Listings.Benchmarks;

/// <summary>
/// One <c>Listings.Api</c> process started from its Release build, configured only through environment variables,
/// with its console output written to a log file. Disposing it kills the process.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _logPump;

    private ApiServer(Process process, Uri baseAddress, string logPath, StreamWriter log, Task logPump)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogPath = logPath;
        _logPump = logPump;
    }

    /// <summary>Gets the API's base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the file the API's console output is written to.</summary>
    public string LogPath { get; }

    /// <summary>Gets the API's process id, which stays the same as long as the API was never restarted.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets a value indicating whether the API process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the API and waits until <c>/health</c> answers 200 (migrations and seed done).</summary>
    /// <param name="apiDll">The path of <c>Listings.Api.dll</c>.</param>
    /// <param name="environment">Environment variables for the process, e.g. the connection string.</param>
    /// <param name="logPath">Where the API's console output goes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ApiServer> StartAsync(string apiDll, IReadOnlyDictionary<string, string> environment,
        string logPath, CancellationToken cancellationToken)
    {
        var port = PostgresServer.FreeTcpPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
        };
        startInfo.ArgumentList.Add(apiDll);
        startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Only reads are measured, but the API refuses to start without a JWT secret: a throw-away one per start.
        startInfo.Environment["Auth__JwtSecret"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // The load generator is one client (one address) by construction: its share is raised out of reach, so the
        // per-client limiter still runs on every request and its cost is measured.
        startInfo.Environment["FairShare__PermitLimit"] = "100000";
        // An OTLP endpoint inherited from a developer shell would add exporter work to every request.
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start Listings.Api.");
        // The pipes must be drained continuously: a full pipe would block the API's logger and skew its latency.
        var log = new StreamWriter(logPath);
        var pump = Task.WhenAll(
            PumpAsync(process.StandardOutput, log),
            PumpAsync(process.StandardError, log))
            .ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        var server = new ApiServer(process, baseAddress, logPath, log, pump);
        try
        {
            await server.WaitHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes what the API logged so far to <see cref="LogPath"/>, for a reader while the API still runs.</summary>
    public void FlushLog()
    {
        lock (_log)
        {
            try
            {
                _log.Flush();
            }
            catch (ObjectDisposedException)
            {
                // The API has ended and its log is complete.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            await _logPump;
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Listings.Api exited with {_process.ExitCode} while starting; see {LogPath}.");
            }

            try
            {
                using var response = await client.GetAsync("health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A health check slower than the client timeout: the database is still busy seeding.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"Listings.Api was not healthy within {StartTimeout}; see {LogPath}.");
    }

    private static async Task PumpAsync(StreamReader reader, StreamWriter log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
