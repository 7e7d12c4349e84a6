using System.Globalization;
using System.Text;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>Renders <see cref="FaultResults"/> as the Markdown of <c>faults.md</c>, which is also printed.</summary>
public static class FaultMarkdownReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Renders the whole report.</summary>
    /// <param name="results">The results.</param>
    public static string Render(FaultResults results)
    {
        var text = new StringBuilder();
        var machine = results.Machine;
        var parameters = results.Parameters;
        text.AppendLine(Invariant, $"# Listings fault harness{(parameters.Quick ? " (quick)" : "")}")
            .AppendLine()
            .AppendLine(Invariant, $"- Command: `dotnet run -c Release --project Listings.Benchmarks -- faults{(parameters.Quick ? " --quick" : "")}`")
            .AppendLine(Invariant, $"- Date: {machine.StartedUtc:yyyy-MM-dd HH:mm} UTC, run time {machine.RunSeconds:0} s, commit {machine.Commit}")
            .AppendLine(Invariant, $"- Machine: {machine.Cores} cores ({machine.Cpu}), {machine.Os}")
            .AppendLine(Invariant, $"- Software: {machine.Runtime}, PostgreSQL {machine.PostgreSql} (max_connections {PostgresServer.MaxConnections}), Npgsql {machine.Npgsql}")
            .AppendLine(Invariant, $"- API: one `Listings.Api` process (pid {results.ApiProcessId}) for the whole run, {parameters.SeedCount:N0} seeded listings, default pool policy, admission control and retries; API, PostgreSQL and clients on one machine, loopback")
            .AppendLine(Invariant, $"- Load: {parameters.Clients} closed-loop clients, each pausing {parameters.ThinkTimeMs / 2:0}-{parameters.ThinkTimeMs:0} ms between operations (without it 100 clients saturate the API's admission queue on two cores, and 503 'Service busy' would show with no fault at all); {parameters.WriteShare:P0} of operations are `POST`s with a fresh `Idempotency-Key`, retried with the same key after a timeout, a connection error or a 5xx until answered 201/200 (giving up {parameters.DrainLimitSeconds:0} s after the load ends); the rest are reads sent once, half `GET ?page=1..5`, half `GET /{{id}}`; after a failure a client waits for `Retry-After` (at most 2 s) or 100-200 ms; client timeout {parameters.RequestTimeoutSeconds:0} s")
            .AppendLine("- Clocks: every time is seconds on the scenario's own clock; the server's state comes from a probe that opens a fresh connection straight to PostgreSQL every 50 ms; `/health` and `/alive` are asked every 250 ms");
        if (results.Failure is not null)
        {
            text.AppendLine().AppendLine(Invariant, $"**The run stopped early:** {results.Failure}");
        }

        if (results.Goals.Count > 0)
        {
            text.AppendLine().AppendLine("## Goals (reported, not asserted)").AppendLine();
            foreach (var goal in results.Goals)
            {
                var verdict = goal.Met switch { true => "PASS", false => "FAIL", null => "N/A" };
                text.AppendLine(Invariant, $"- **{verdict}** {goal.Goal}: {goal.Actual}");
            }
        }

        if (results.SettledHealth.Count > 0)
        {
            text.AppendLine().AppendLine("`/health` 2 s after each step, once it answered 200 again:").AppendLine();
            foreach (var (step, health) in results.SettledHealth)
            {
                text.AppendLine(Invariant, $"- after {step}: {health}");
            }
        }

        if (results.Restart is { } restart)
        {
            ScenarioSections.Restart(text, restart, parameters);
        }

        if (results.Outage is { } outage)
        {
            ScenarioSections.Outage(text, outage, parameters);
        }

        if (results.KilledBackends is { } killed)
        {
            ScenarioSections.KilledBackends(text, killed, parameters);
        }

        if (results.ConnectStall is { } stall)
        {
            ScenarioSections.ConnectStall(text, stall, parameters);
        }

        return text.ToString();
    }
}
