using System.Globalization;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>Warnings and errors the API logged during a scenario, grouped by level, category and message.</summary>
/// <param name="Level">The console logger's level: <c>warn</c>, <c>fail</c> or <c>crit</c>.</param>
/// <param name="Category">The logger category and event id, e.g. <c>Microsoft.EntityFrameworkCore.Database.Connection[20004]</c>.</param>
/// <param name="Message">The message's first line, shortened.</param>
/// <param name="Count">How many times it was logged in the scenario.</param>
/// <param name="FirstSeconds">When it was first logged, on the scenario's clock.</param>
public sealed record ApiLogEntry(string Level, string Category, string Message, int Count, double FirstSeconds)
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

            var message = i + 1 < lines.Length ? lines[i + 1].Trim() : "";
            message = message.Length > MessageLength ? message[..MessageLength] + "…" : message;
            found.Add((level, rest[(level.Length + 1)..].Trim(), message, seconds));
        }

        return found.GroupBy(f => (f.Level, f.Category, f.Message))
            .Select(g => new ApiLogEntry(g.Key.Level, g.Key.Category, g.Key.Message, g.Count(), Math.Round(g.Min(f => f.At), 2)))
            .OrderBy(e => e.FirstSeconds)
            .ToList();
    }
}
