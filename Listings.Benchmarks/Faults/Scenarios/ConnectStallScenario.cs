using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Report;

namespace Listings.Benchmarks.Faults.Scenarios;

/// <summary>
/// Connect stall: a pooler whose idle pool was shut down takes 12-93 s to connect again (Supavisor). A second API process,
/// configured as behind a transaction pooler and warm with its minimum of 2 connections, reaches PostgreSQL through a
/// loopback <see cref="ConnectStallProxy"/>; a read load arrives just as the proxy starts to hold every new connection
/// for 15 s, while the open ones keep working. Goal: no answer slower than the connect bound (plus a second), no 500.
/// </summary>
public static class ConnectStallScenario
{
    /// <summary>The scenario's short name, in titles and logs.</summary>
    public const string Name = "connect-stall";

    // The service's default ConnectionPool:ConnectTimeoutSeconds, written out so the report states what was measured.
    private const int ConnectTimeoutSeconds = 5;

    /// <summary>Runs the scenario.</summary>
    /// <param name="context">The shared context; its API is left alone.</param>
    /// <param name="apiDll">The API to start behind the proxy.</param>
    /// <param name="environment">The API's environment, as the shared one's.</param>
    /// <param name="cancellationToken">Aborts the run.</param>
    public static async Task<ConnectStallResult> RunAsync(
        FaultContext context, string apiDll, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var options = context.Options;
        await using var proxy = ConnectStallProxy.Start("127.0.0.1", context.Server.Port);
        // Migrations never run through a transaction pooler: they take the direct way around the proxy.
        environment["ConnectionStrings__listingsdb-migrations"] = environment["ConnectionStrings__listingsdb"];
        environment["ConnectionStrings__listingsdb"] = proxy.Redirect(environment["ConnectionStrings__listingsdb"]);
        environment["ConnectionPool__Mode"] = "transaction-pooler";
        environment["ConnectionPool__ConnectTimeoutSeconds"] = ConnectTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var api = await ApiServer.StartAsync(apiDll, environment,
            Path.Combine(options.LogDirectory, "api-connect-stall.log"), cancellationToken);
        await WaitHealthyAsync(api, cancellationToken);
        var before = proxy.Accepted;

        var stalled = context with { Api = api };
        var clock = new FaultClock();
        using var client = stalled.CreateClient(clock);
        proxy.StallNewConnections(options.StallDelay);
        var load = stalled.CreateLoad(client, clock, Name, writeShare: 0, options.StallLength + options.StallAfter).RunAsync(cancellationToken);
        await clock.WaitUntilAsync(options.StallLength.TotalSeconds, cancellationToken);
        var resumeAt = clock.Now;
        proxy.Resume();
        var outcome = await load;
        var end = clock.Now;

        var bound = TimeSpan.FromSeconds(ConnectTimeoutSeconds + 1);
        var requests = outcome.Requests;
        var inStall = requests.Where(r => r.StartSeconds < resumeAt).ToList();
        return new ConnectStallResult
        {
            StallDelaySeconds = options.StallDelay.TotalSeconds,
            ConnectTimeoutSeconds = ConnectTimeoutSeconds,
            ConnectionsBeforeStall = before,
            StalledConnections = proxy.Stalled,
            StallRequests = RequestSummary.Of(inStall),
            ProblemWithRetryAfter = inStall.Count(r => r is { Status: 503, RetryAfter: true, ProblemDetails: true }),
            OverBound = inStall.Count(r => r.DurationMs > bound.TotalMilliseconds || r.Failure == Load.RequestFailure.Timeout),
            MaxMs = Math.Round(inStall.Select(r => r.DurationMs).DefaultIfEmpty(0).Max(), 1),
            BoundMs = bound.TotalMilliseconds,
            Phases =
            [
                PhaseLatency.Of("sent while new connections stall", requests, r => r.StartSeconds < resumeAt, 0, resumeAt, bound),
                PhaseLatency.Of("sent after the stall", requests, r => r.StartSeconds >= resumeAt, resumeAt, end, bound),
            ],
            ApiLog = ApiLogEntry.Read(api, clock, 0, end),
        };
    }

    private static async Task WaitHealthyAsync(ApiServer api, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(250, cancellationToken))
        {
            try
            {
                if ((await client.GetAsync("health", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        throw new InvalidOperationException("The API behind the stalling proxy was not healthy within 60 s.");
    }
}
