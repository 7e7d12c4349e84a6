using Listings.Benchmarks.Throughput.Report;

namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>
/// How close the API comes to PostgreSQL itself: the policy storm's requests per second divided by pgbench's
/// transactions per second over as many connections as the policy's pool. The API counts the table at most once every
/// two seconds per filter, so what it sends per request is the page query alone: that is the strict comparison (the
/// ratio the goal is measured on). Count + page, the per-request work of an API that counts every time, is run too.
/// </summary>
public static class EfficiencyScenario
{
    /// <summary>Runs pgbench with the captured SQL and sets the ratio against the policy storm.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="sql">The SQL captured from the API's log, or null if none was found.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<EfficiencyResult> RunAsync(BenchmarkContext context, CapturedPageSql? sql,
        CancellationToken cancellationToken)
    {
        var result = new EfficiencyResult { PgBenchClients = context.Options.PgBenchClients };
        if (sql is null)
        {
            result.Note = "n/a: the API's log held no count and page statements";
            return result;
        }

        result.CountSql = OneLine(sql.CountSql);
        result.PageSql = OneLine(sql.PageSql);
        result.PgBenchTps = Math.Round(await PgBench.RunAsync(context.Server, BenchmarkContext.MainDatabase,
            $"{result.CountSql};\n{result.PageSql};\n",
            context.Options.PgBenchClients, context.Options.StormDuration, context.Options.LogDirectory, cancellationToken), 1);
        result.PageOnlyTps = Math.Round(await PgBench.RunAsync(context.Server, BenchmarkContext.MainDatabase,
            $"{result.PageSql};\n",
            context.Options.PgBenchClients, context.Options.StormDuration, context.Options.LogDirectory, cancellationToken), 1);
        var policy = context.Results.Storms.FirstOrDefault(s => s.Setting == ApiSetting.PolicyName);
        if (policy is null)
        {
            result.Note = "n/a: no policy storm to compare with";
            return result;
        }

        result.ApiOkPerSecond = policy.OkPerSecond;
        result.CountAndPageRatio = Math.Round(policy.OkPerSecond / result.PgBenchTps.Value, 3);
        result.Ratio = Math.Round(policy.OkPerSecond / result.PageOnlyTps.Value, 3);
        return result;
    }

    private static string OneLine(string sql) => string.Join(' ', sql.Split('\n', StringSplitOptions.TrimEntries));
}
