using System.Diagnostics;
using System.Text.Json;
using Listings.Benchmarks.Throughput.Report;

namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>
/// Latency of one request at growing page depths and table sizes, with OFFSET paging (<c>page=</c>) and, when the API
/// offers it, keyset paging (<c>cursor=</c>). Requests are sequential: this measures the query, not queueing.
/// </summary>
public static class PageDepthScenario
{
    /// <summary>Measures every depth of one table size and adds the results.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="rows">The table size.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<IReadOnlyList<PageDepthResult>> RunAsync(BenchmarkContext context, int rows,
        CancellationToken cancellationToken)
    {
        var options = context.Options;
        // The storms' database already holds the seed count; other sizes get their own database, seeded once.
        var database = rows == options.SeedCount ? BenchmarkContext.MainDatabase : $"listings_{rows}";
        await using var api = await context.StartApiAsync(ApiSetting.Policy(), database, rows, null, cancellationToken);
        using var client = LoadGenerator.CreateClient(api.BaseAddress, 1, options.RequestTimeout);
        var lastPage = (rows + options.PageSize - 1) / options.PageSize;
        var results = new List<PageDepthResult>();

        foreach (var page in options.PageDepths)
        {
            var result = new PageDepthResult { Rows = rows, Page = page, Mode = "offset" };
            if (page > lastPage)
            {
                result.Note = $"n/a: beyond the last page ({lastPage})";
            }
            else
            {
                await TimeAsync(client, $"api/v1/listings?page={page}&pageSize={options.PageSize}", options.DepthRequests,
                    result, cancellationToken);
            }

            results.Add(result);
        }

        results.AddRange(await CursorAsync(client, rows, lastPage, options, cancellationToken));
        return results;
    }

    private static async Task<IReadOnlyList<PageDepthResult>> CursorAsync(HttpClient client, int rows, int lastPage,
        BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var results = options.PageDepths
            .Select(page => new PageDepthResult { Rows = rows, Page = page, Mode = "cursor" })
            .ToList();
        // Which request starts a cursor walk is the new API's choice: try the plain first page, then page=1.
        string? firstPath = null;
        string? next = null;
        foreach (var candidate in new[] { $"api/v1/listings?pageSize={options.PageSize}", $"api/v1/listings?page=1&pageSize={options.PageSize}" })
        {
            if (await NextCursorAsync(client, candidate, cancellationToken) is (true, var cursor))
            {
                firstPath = candidate;
                next = cursor;
                break;
            }
        }

        if (firstPath is null)
        {
            results.ForEach(r => r.Note = "n/a: the API returns no nextCursor");
            return results;
        }

        // Walk once, untimed, from page 1, keeping the path that fetches each measured depth.
        var paths = new Dictionary<int, string> { [1] = firstPath };
        var deepest = options.PageDepths.Where(p => p <= lastPage).DefaultIfEmpty(1).Max();
        for (var page = 2; page <= deepest && next is not null; page++)
        {
            var path = $"api/v1/listings?cursor={Uri.EscapeDataString(next)}&pageSize={options.PageSize}";
            paths[page] = path;
            if (page == deepest)
            {
                break;
            }

            (_, next) = await NextCursorAsync(client, path, cancellationToken);
        }

        foreach (var result in results)
        {
            if (paths.TryGetValue(result.Page, out var path))
            {
                await TimeAsync(client, path, options.DepthRequests, result, cancellationToken);
            }
            else
            {
                result.Note = result.Page > lastPage
                    ? $"n/a: beyond the last page ({lastPage})"
                    : "n/a: nextCursor ended before this page";
            }
        }

        return results;
    }

    private static async Task<(bool HasField, string? Cursor)> NextCursorAsync(HttpClient client, string path,
        CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (false, null);
        }

        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken),
            cancellationToken: cancellationToken);
        if (!document.RootElement.TryGetProperty("nextCursor", out var cursor))
        {
            return (false, null);
        }

        return (true, cursor.ValueKind == JsonValueKind.String ? cursor.GetString() : null);
    }

    private static async Task TimeAsync(HttpClient client, string path, int requests, PageDepthResult result,
        CancellationToken cancellationToken)
    {
        // A few untimed requests first: the first one pays for the plan and the cold pages of the table.
        for (var i = 0; i < 3; i++)
        {
            using var warmUp = await client.GetAsync(path, cancellationToken);
        }

        var latencies = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(path, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                result.Note = $"{(int)response.StatusCode} answered at this depth";
                return;
            }

            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var sorted = latencies.Order().ToArray();
        result.Requests = sorted.Length;
        result.P50Ms = Math.Round(LoadGenerator.Percentile(sorted, 0.50), 2);
        result.P99Ms = Math.Round(LoadGenerator.Percentile(sorted, 0.99), 2);
    }
}
