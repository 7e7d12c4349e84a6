using System.Globalization;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>The issue's goals for the fault harness, judged on a run's results. Reported, never asserted.</summary>
public static class FaultGoals
{
    /// <summary>Judges <paramref name="results"/>.</summary>
    /// <param name="results">The results so far.</param>
    public static IReadOnlyList<TargetResult> Evaluate(FaultResults results)
    {
        var goals = new List<TargetResult>();
        var recoveryBound = results.Parameters.RecoveryBoundSeconds;
        if (results.Restart is { } restart)
        {
            var writes = restart.Writes;
            goals.Add(new("restart: zero lost acknowledged writes",
                $"{writes.Acknowledged} acknowledged, {writes.AcknowledgedStored} stored once, {writes.Lost} lost, {writes.IdMismatches} with another id",
                writes.Acknowledged > 0 && writes.Lost == 0 && writes.IdMismatches == 0 && writes.AcknowledgedStored == writes.Acknowledged));
            goals.Add(new("restart: zero duplicated writes",
                $"{writes.DuplicatedKeys} keys with more than one row ({writes.DuplicateRows} extra rows), {writes.UnknownRows} unknown rows",
                writes.DuplicatedKeys == 0 && writes.UnknownRows == 0));
            goals.Add(new("restart: read errors only inside the restart window",
                $"{restart.ReadErrorsInside} inside the {S(restart.Window.Seconds)} window, {restart.ReadErrorsBefore} before, {restart.ReadErrorsAfter} after",
                restart.ReadErrorsBefore + restart.ReadErrorsAfter == 0));
            var notRetryable = restart.Requests.Errors.Where(kv => !kv.Key.StartsWith("503", StringComparison.Ordinal)).ToList();
            goals.Add(new("restart: every error is a 503 (no 500, no hang, no broken connection)",
                notRetryable.Count == 0 ? $"all {restart.Requests.Requests - restart.Requests.Succeeded} errors were 503" : Outcomes(notRetryable.ToDictionary()),
                notRetryable.Count == 0));
            goals.Add(ServesAgain("restart", restart.Recovery.FirstSuccessSeconds, recoveryBound));
            goals.Add(Steady("restart", restart.Recovery, recoveryBound));
        }

        if (results.Outage is { } outage)
        {
            var requests = outage.OutageRequests;
            goals.Add(new($"outage: every request answered within {outage.BoundMs / 1000:0.#} s",
                $"{outage.OverBound} of {requests.Requests} over the bound (max {outage.MaxMs:0} ms), {requests.Timeouts} timeouts",
                requests.Requests > 0 && outage.OverBound == 0));
            var other = requests.Requests - requests.Succeeded - outage.ProblemWithRetryAfter;
            goals.Add(new("outage: answers are 503 problem details with Retry-After",
                $"{outage.ProblemWithRetryAfter} of {requests.Requests} ({requests.Succeeded} served before the server went away, {other} other: {Outcomes(requests.ByOutcome)})",
                other == 0));
            goals.Add(new("outage: /health turns Unhealthy (503) and stays so while the server is down (from 1 s after the stop)",
                outage.HealthUnhealthyAfterSeconds is { } after
                    ? $"first non-200 {S(after)} after the stop; from 1 s on, {outage.HealthAfterFirstSecond - outage.HealthNotUnhealthyAfterFirstSecond} of {outage.HealthAfterFirstSecond} answers 503 (whole window: {Statuses(outage.HealthStatusesDuringOutage)})"
                    : "never",
                outage.HealthAfterFirstSecond > 0 && outage.HealthNotUnhealthyAfterFirstSecond == 0));
            goals.Add(new("outage: /alive stays 200",
                $"{outage.AliveSamples - outage.AliveNotOk} of {outage.AliveSamples} answered 200", outage.AliveNotOk == 0 && outage.AliveSamples > 0));
            goals.Add(ServesAgain("outage", outage.Recovery.FirstSuccessSeconds, recoveryBound));
            goals.Add(Steady("outage", outage.Recovery, recoveryBound));
            goals.Add(new("outage: zero lost and zero duplicated writes",
                $"{outage.Writes.Acknowledged} acknowledged, {outage.Writes.Lost} lost, {outage.Writes.DuplicatedKeys} duplicated",
                outage.Writes.Acknowledged > 0 && outage.Writes.Lost == 0 && outage.Writes.DuplicatedKeys == 0
                && outage.Writes.IdMismatches == 0 && outage.Writes.UnknownRows == 0));
        }

        if (results.KilledBackends is { } killed)
        {
            var terminated = killed.Rounds.Sum(r => r.Terminated);
            goals.Add(new("killed backends: zero client-visible errors",
                $"{killed.Requests.Requests - killed.Requests.Succeeded} errors in {killed.Requests.Requests} reads; {killed.Rounds.Count} rounds ended {terminated} backends ({killed.Rounds.Sum(r => r.Active)} mid-query)",
                terminated > 0 && killed.Requests.Succeeded == killed.Requests.Requests));
        }

        if (results.ConnectStall is { } stall)
        {
            var requests = stall.StallRequests;
            goals.Add(new($"connect stall: every request answered within {stall.BoundMs / 1000:0.#} s (the {stall.ConnectTimeoutSeconds:0} s connect bound and a second)",
                $"{stall.OverBound} of {requests.Requests} over the bound (max {stall.MaxMs:0} ms), {requests.Timeouts} timeouts; {stall.StalledConnections} connections stalled",
                requests.Requests > 0 && stall.StalledConnections > 0 && stall.OverBound == 0));
            var other = requests.Requests - requests.Succeeded - stall.ProblemWithRetryAfter;
            goals.Add(new("connect stall: no 500; what the warm connections cannot serve is 503 with Retry-After",
                $"{requests.Succeeded} served, {stall.ProblemWithRetryAfter} 503 + Retry-After, {other} other ({Outcomes(requests.ByOutcome)})",
                other == 0 && requests.Succeeded > 0));
        }

        if (results.ApiAliveAtEnd is { } alive)
        {
            goals.Add(new("no API restart: one process through every fault",
                alive ? $"pid {results.ApiProcessId} served from start to end" : $"pid {results.ApiProcessId} had exited by the end",
                alive));
        }

        return goals;
    }

    private static TargetResult ServesAgain(string scenario, double? firstSuccess, double bound) => new(
        $"{scenario}: serves again within {bound:0.#} s of the server accepting connections",
        firstSuccess is { } seconds ? $"first success after {S(seconds)}" : "no success after the server was back",
        firstSuccess <= bound);

    private static TargetResult Steady(string scenario, Analysis.Recovery recovery, double bound) => new(
        $"{scenario}: no error later than {bound:0.#} s after the server is back",
        recovery.ErrorsAfterBack == 0 ? "no error after the server was back" : $"last error {S(recovery.SteadySeconds)} after ({recovery.ErrorsAfterBack} errors after it was back)",
        recovery.SteadySeconds <= bound);

    private static string S(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Outcomes(IReadOnlyDictionary<string, int> byOutcome) =>
        string.Join(", ", byOutcome.Select(kv => $"{kv.Key}: {kv.Value}"));

    private static string Statuses(IReadOnlyDictionary<int, int> byStatus) =>
        string.Join(", ", byStatus.Select(kv => $"{(kv.Key == 0 ? "no answer" : kv.Key.ToString(CultureInfo.InvariantCulture))}: {kv.Value}"));
}
