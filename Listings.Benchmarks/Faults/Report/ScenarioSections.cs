using System.Globalization;
using System.Text;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>One section of <c>faults.md</c> per scenario.</summary>
public static class ScenarioSections
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The restart under load.</summary>
    /// <param name="text">The report.</param>
    /// <param name="restart">The scenario's results.</param>
    /// <param name="parameters">The run's parameters.</param>
    public static void Restart(StringBuilder text, RestartResult restart, FaultParameters parameters)
    {
        var fault = restart.Fault;
        var recovery = restart.Recovery;
        text.AppendLine().AppendLine(Invariant, $"## 1. Restart under load ({parameters.RestartLoad})").AppendLine()
            .AppendLine(Invariant, $"Fault: `{fault.Action}` at t = {fault.AtSeconds:0.00} s; the command returned after {fault.CommandSeconds:0.00} s. The probe's connections were refused for {restart.NotAcceptingSeconds:0.00} s; **restart window** (command to the server accepting connections again): t = {restart.Window.FromSeconds:0.00} to {restart.Window.ToSeconds:0.00} s, **{restart.Window.Seconds:0.00} s**.")
            .AppendLine()
            .AppendLine(Invariant, $"Recovery: first success {Seconds(recovery.FirstSuccessSeconds)} after the server accepted connections; last error {recovery.SteadySeconds:0.00} s after it ({recovery.ErrorsAfterBack} errors arrived after it). Failed reads: {restart.ReadErrorsBefore} before the window, **{restart.ReadErrorsInside} in flight inside it**, {restart.ReadErrorsAfter} sent after it. `/health` answered other than 200 {restart.HealthNotOk} times, `/alive` {restart.AliveNotOk} times.")
            .AppendLine();
        FaultTables.Requests(text, restart.Requests);
        if (restart.ErrorsOutsideWindow.Count > 0)
        {
            text.AppendLine(Invariant, $"Errors outside the window, by request and answer: {string.Join("; ", restart.ErrorsOutsideWindow.Select(kv => $"{kv.Key}: {kv.Value}"))}.").AppendLine();
        }

        text.AppendLine("Writes, counted in SQL by the key in each title:").AppendLine();
        FaultTables.Writes(text, restart.Writes);
        FaultTables.Phases(text, restart.Phases);
        text.AppendLine("Errors per second (by arrival; second 0 holds the restart command):").AppendLine();
        var (from, to) = FaultTables.Around(restart.Timeline, restart.Window.ToSeconds - fault.AtSeconds);
        FaultTables.Timeline(text, restart.Timeline, from, to);
        text.AppendLine("API log, warnings and errors:").AppendLine();
        FaultTables.ApiLog(text, restart.ApiLog, fault.AtSeconds);
    }

    /// <summary>The outage.</summary>
    /// <param name="text">The report.</param>
    /// <param name="outage">The scenario's results.</param>
    /// <param name="parameters">The run's parameters.</param>
    public static void Outage(StringBuilder text, OutageResult outage, FaultParameters parameters)
    {
        var recovery = outage.Recovery;
        var health = string.Join(", ", outage.HealthStatusesDuringOutage.Select(kv => $"{(kv.Key == 0 ? "no answer" : kv.Key.ToString(Invariant))}: {kv.Value}"));
        text.AppendLine().AppendLine(Invariant, $"## 2. Outage: PostgreSQL stopped for {parameters.OutageSeconds:0} s").AppendLine()
            .AppendLine(Invariant, $"Faults: `{outage.Stop.Action}` at t = {outage.Stop.AtSeconds:0.00} s (returned after {outage.Stop.CommandSeconds:0.00} s), `{outage.Start.Action}` at t = {outage.Start.AtSeconds:0.00} s (returned after {outage.Start.CommandSeconds:0.00} s). **Outage window** (stop command to the server accepting connections again): {outage.Window.Seconds:0.00} s.")
            .AppendLine()
            .AppendLine(Invariant, $"Requests sent inside the window: {outage.OutageRequests.Requests}; **{outage.ProblemWithRetryAfter} answered 503 problem details with Retry-After**; {outage.OverBound} took longer than {outage.BoundMs / 1000:0.#} s or got no answer; the longest took {outage.MaxMs:0} ms.")
            .AppendLine()
            .AppendLine(Invariant, $"Health: `/health` first answered other than 200 {Seconds(outage.HealthUnhealthyAfterSeconds)} after the stop; inside the window it answered {health} (longest {outage.HealthMaxMs:0} ms); it answered 200 again {Seconds(outage.HealthHealthyAgainSeconds)} after the server was back. `/alive`: {outage.AliveSamples - outage.AliveNotOk} of {outage.AliveSamples} answered 200.")
            .AppendLine()
            .AppendLine(Invariant, $"`/health` answers inside the window: {string.Join("; ", outage.HealthReportsDuringOutage.Select(kv => $"{kv.Key} ({kv.Value}×)"))}.")
            .AppendLine()
            .AppendLine(Invariant, $"Recovery: first success {Seconds(recovery.FirstSuccessSeconds)} after the server accepted connections; last error {recovery.SteadySeconds:0.00} s after it ({recovery.ErrorsAfterBack} errors arrived after it).")
            .AppendLine();
        text.AppendLine("Inside the window:").AppendLine();
        FaultTables.Requests(text, outage.OutageRequests);
        text.AppendLine("Writes of the whole scenario (those caught by the outage are retried after it), counted in SQL:").AppendLine();
        FaultTables.Writes(text, outage.Writes);
        FaultTables.Phases(text, outage.Phases);
        text.AppendLine("Errors per second (by arrival; second 0 holds the stop command):").AppendLine();
        var (from, to) = FaultTables.Around(outage.Timeline, outage.Window.ToSeconds - outage.Stop.AtSeconds);
        FaultTables.Timeline(text, outage.Timeline, from, to);
        text.AppendLine("API log, warnings and errors:").AppendLine();
        FaultTables.ApiLog(text, outage.ApiLog, outage.Stop.AtSeconds);
    }

    /// <summary>The killed backends.</summary>
    /// <param name="text">The report.</param>
    /// <param name="killed">The scenario's results.</param>
    /// <param name="parameters">The run's parameters.</param>
    public static void KilledBackends(StringBuilder text, KilledBackendsResult killed, FaultParameters parameters)
    {
        var firstKill = killed.Rounds.Count > 0 ? killed.Rounds[0].AtSeconds : 0;
        text.AppendLine().AppendLine(Invariant, $"## 3. Killed backends: reads only, {parameters.KillSeconds:0} s, `pg_terminate_backend` every {parameters.KillIntervalSeconds:0.#} s").AppendLine()
            .AppendLine(Invariant, $"Each round ends every `pg_stat_activity` row of the API's database with `application_name = 'Listings.Api'` (never the harness's own). Rounds: {killed.Rounds.Count}; backends ended per round: {string.Join(", ", killed.Rounds.Select(r => r.Active > 0 ? $"{r.Terminated} ({r.Active} mid-query)" : r.Terminated.ToString(Invariant)))}.")
            .AppendLine();
        FaultTables.Requests(text, killed.Requests);
        FaultTables.Phases(text, killed.Phases);
        var errorSeconds = killed.Timeline.Where(b => b.Errors > 0).ToList();
        if (errorSeconds.Count == 0)
        {
            text.AppendLine("No second of the scenario saw an error.").AppendLine();
        }
        else
        {
            text.AppendLine("Seconds with errors (relative to the first kill):").AppendLine();
            FaultTables.Timeline(text, errorSeconds, int.MinValue, int.MaxValue);
        }

        text.AppendLine("API log, warnings and errors:").AppendLine();
        FaultTables.ApiLog(text, killed.ApiLog, firstKill);
    }

    /// <summary>Writes the connect stall's section.</summary>
    /// <param name="text">The report.</param>
    /// <param name="stall">The scenario's results.</param>
    /// <param name="parameters">The run's parameters.</param>
    public static void ConnectStall(StringBuilder text, ConnectStallResult stall, FaultParameters parameters)
    {
        text.AppendLine().AppendLine(Invariant, $"## 4. Connect stall: new connections held {stall.StallDelaySeconds:0} s for {parameters.StallSeconds:0} s, reads only").AppendLine()
            .AppendLine(Invariant, $"A second API process (`ConnectionPool:Mode=transaction-pooler`: Minimum Pool Size 2, connect bound {stall.ConnectTimeoutSeconds:0} s) reaches PostgreSQL through a loopback proxy. It was warm ({stall.ConnectionsBeforeStall} connections accepted before the stall); then the read load began as the proxy started holding every new connection. Connections stalled: {stall.StalledConnections}.")
            .AppendLine()
            .AppendLine(Invariant, $"Requests sent in the stall: {stall.StallRequests.Requests}; {stall.StallRequests.Succeeded} served by the open connections; **{stall.ProblemWithRetryAfter} answered 503 problem details with Retry-After**; {stall.OverBound} took longer than {stall.BoundMs / 1000:0.#} s or got no answer; the longest took {stall.MaxMs:0} ms.")
            .AppendLine();
        FaultTables.Requests(text, stall.StallRequests);
        FaultTables.Phases(text, stall.Phases);
        text.AppendLine("API log, warnings and errors:").AppendLine();
        FaultTables.ApiLog(text, stall.ApiLog, 0);
    }

    private static string Seconds(double? seconds) =>
        seconds is { } value ? value.ToString("0.00", Invariant) + " s" : "never";
}
