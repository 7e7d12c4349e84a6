using System.Globalization;
using System.Text.RegularExpressions;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>Warnings and errors the API logged during a scenario, grouped by level, category and message.</summary>
/// <param name="Level">The console logger's level: <c>warn</c>, <c>fail</c> or <c>crit</c>.</param>
/// <param name="Category">The logger category and event id, e.g. <c>Microsoft.EntityFrameworkCore.Database.Connection[20004]</c>.</param>
/// <param name="Message">
/// The message's first line with its durations blanked (so repeats group), and the first exception line of the entry
/// (e.g. <c>Npgsql.PostgresException (0x80004005): 57P01: terminating connection due to administrator command</c>), shortened.
/// </param>
/// <param name="Count">How many times it was logged in the scenario.</param>
/// <param name="FirstSeconds">When it was first logged, on the scenario's clock.</param>
public sealed partial record ApiLogEntry(string Level, string Category, string Message, int Count, double FirstSeconds)
{
    /// <summary>The console timestamp format the harness gives the API, so its lines can be placed on the scenario's clock.</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";

    private const int MessageLength = 240;

    /// <summary>Reads the entries logged between <paramref name="from"/> and <paramref name="to"/> on <paramref name="clock"/>.</summary>
    /// <param name="api">The API, whose console log uses the simple formatter with UTC timestamps in <see cref="TimestampFormat"/>.</param>
    /// <param name="clock">The scenario's clock.</param>
    /// <param name="from">The scenario's start on its clock.</param>
    /// <param name="to">The scenario's end.</param>
    public static IReadOnlyList<ApiLogEntry> Read(ApiServer api, FaultClock clock, double from, double to)
    {
        api.FlushLog();
        var logPath = api.LogPath;
        if (!File.Exists(logPath))
        {
            return [];
        }

        // The API still writes the file.
        using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.TrimEntries);
        var found = new List<(string Level, string Category, string Message, double At)>();
        for (var i = 0; i < lines.Length; i++)
        {
            // "2026-01-01T10:00:00.123 warn: Category[id]" then the message on the next, indented line.
            var line = lines[i];
            if (line.Length < TimestampFormat.Length + 5
                || !DateTimeOffset.TryParseExact(line[..(TimestampFormat.Length - 1)], TimestampFormat.TrimEnd(), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var at))
            {
                continue;
            }

            var rest = line[TimestampFormat.Length..];
            var level = rest.Split(':', 2)[0];
            if (level is not ("warn" or "fail" or "crit"))
            {
                continue;
            }

            var seconds = clock.SecondsAt(at);
            if (seconds < from || seconds > to)
            {
                continue;
            }

            var message = Durations().Replace(i + 1 < lines.Length ? lines[i + 1].Trim() : "", "…ms");
            message = message.Length > MessageLength ? message[..MessageLength] + "…" : message;
            if (ExceptionOf(lines, i + 1) is { } exception)
            {
                message += " — " + (exception.Length > MessageLength ? exception[..MessageLength] + "…" : exception);
            }

            found.Add((level, rest[(level.Length + 1)..].Trim(), message, seconds));
        }

        return found.GroupBy(f => (f.Level, f.Category, f.Message))
            .Select(g => new ApiLogEntry(g.Key.Level, g.Key.Category, g.Key.Message, g.Count(), Math.Round(g.Min(f => f.At), 2)))
            .OrderBy(e => e.FirstSeconds)
            .ToList();
    }

    // The entry runs until the next stamped line; its first "Type.NameException...: text" line says what failed.
    private static string? ExceptionOf(string[] lines, int from)
    {
        for (var i = from; i < lines.Length && !Stamped().IsMatch(lines[i]); i++)
        {
            var match = ExceptionLine().Match(lines[i]);
            if (match.Success)
            {
                return match.Value.Trim();
            }
        }

        return null;
    }

    [GeneratedRegex(@"\d+(\.\d+)?\s?ms")]
    private static partial Regex Durations();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T")]
    private static partial Regex Stamped();

    [GeneratedRegex(@"^\s*(---> )?[\w.]+(Exception|Error)\b.*$")]
    private static partial Regex ExceptionLine();
}
