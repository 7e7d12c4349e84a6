using System.Text.RegularExpressions;

namespace Listings.Benchmarks.Throughput;

/// <summary>The two statements the API sends for one page of listings.</summary>
/// <param name="CountSql">The total-count query.</param>
/// <param name="PageSql">The page query, parameters replaced by literals.</param>
public sealed record CapturedPageSql(string CountSql, string PageSql);

/// <summary>
/// Reads the SQL EF Core logged (category <c>Microsoft.EntityFrameworkCore.Database.Command</c> at Information) from
/// the API's console log.
/// </summary>
public static partial class SqlCapture
{
    /// <summary>The environment variable that makes the API log every command it executes.</summary>
    public const string LogLevelVariable = "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command";

    /// <summary>Finds the count and page statements of a page request; null when the log holds neither.</summary>
    /// <param name="logLines">The API's console log.</param>
    /// <param name="page">The page that was requested.</param>
    /// <param name="pageSize">The page size that was requested.</param>
    /// <param name="city">The city filter that was requested, put back as a literal into both statements; null for none.</param>
    public static CapturedPageSql? Find(IEnumerable<string> logLines, int page, int pageSize, string? city = null)
    {
        string? countSql = null, pageSql = null;
        foreach (var logged in Statements(logLines))
        {
            if (!logged.Contains("FROM listings", StringComparison.Ordinal) || (city is not null && !CityParameter().IsMatch(logged)))
            {
                continue;
            }

            var statement = city is null ? logged : CityParameter().Replace(logged, $"l.city = '{city.Replace("'", "''", StringComparison.Ordinal)}'");

            if (countSql is null && statement.StartsWith("SELECT count(", StringComparison.Ordinal))
            {
                countSql = statement;
            }
            else if (pageSql is null && statement.Contains("LIMIT", StringComparison.Ordinal))
            {
                // The console logger prints parameter values as '?' (sensitive data logging is off), so the values
                // are put back from what was requested: LIMIT takes the page size and one more row (which tells whether
                // a next page exists), OFFSET the rows skipped.
                var literal = LimitParameter().Replace(statement, $"LIMIT {pageSize + 1}");
                literal = OffsetParameter().Replace(literal, $"OFFSET {(page - 1) * pageSize}");
                if (!Placeholder().IsMatch(literal))
                {
                    pageSql = literal;
                }
            }
        }

        return countSql is null || pageSql is null ? null : new CapturedPageSql(countSql, pageSql);
    }

    // The console formatter writes "info: <category>[id]", then "Executed DbCommand (..) [Parameters=..]" and the
    // SQL, every continuation line indented by six spaces.
    private static IEnumerable<string> Statements(IEnumerable<string> lines)
    {
        List<string>? current = null;
        var inCommand = false;
        foreach (var line in lines)
        {
            if (!line.StartsWith(' '))
            {
                if (current is { Count: > 0 })
                {
                    yield return string.Join('\n', current);
                }

                current = null;
                inCommand = line.Contains("Microsoft.EntityFrameworkCore.Database.Command[20101]", StringComparison.Ordinal);
                continue;
            }

            if (!inCommand)
            {
                continue;
            }

            var text = line.Trim();
            if (current is null)
            {
                // The first indented line is "Executed DbCommand (...)", not SQL.
                current = [];
                continue;
            }

            current.Add(text);
        }

        if (current is { Count: > 0 })
        {
            yield return string.Join('\n', current);
        }
    }

    // The page read's parameters are positional ($1); EF Core's LINQ queries name theirs (@p).
    [GeneratedRegex(@"LIMIT (@\w+|\$\d+)")]
    private static partial Regex LimitParameter();

    [GeneratedRegex(@"l\.city = (@\w+|\$\d+)")]
    private static partial Regex CityParameter();

    [GeneratedRegex(@"OFFSET (@\w+|\$\d+)")]
    private static partial Regex OffsetParameter();

    [GeneratedRegex(@"@\w|\$\d")]
    private static partial Regex Placeholder();
}
