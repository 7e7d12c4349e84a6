using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Listings.Api.Idempotency;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// The API, at its default settings, while its PostgreSQL server restarts, stops, or has its connections killed under
/// load. Timings are measured by the fault harness (see the README); these tests assert what must always hold.
/// </summary>
public sealed class DatabaseFaultTests(RestartableDatabaseFixture fixture) : IClassFixture<RestartableDatabaseFixture>
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    // Far above the ~1 s the service takes (measured by the harness): only a hang crosses it.
    private static readonly TimeSpan NoHangBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task FastRestartUnderMixedLoadIsAbsorbedAndNoAcknowledgedWriteIsLostOrDuplicated()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var pid = fixture.Api.Process.Id;
        var answers = new ConcurrentBag<Answer>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        var readers = Enumerable.Range(0, 75).Select(i => ReadUntilAsync(i, answers, stop.Token)).ToArray();
        var writers = Enumerable.Range(0, 15).Select(i => WriteUntilAsync($"{run}-{i}", answers, stop.Token)).ToArray();
        var unkeyedWriters = Enumerable.Range(0, 10).Select(i => WriteWithoutKeyUntilAsync($"{run}-nokey-{i}", answers, stop.Token)).ToArray();
        var load = Task.WhenAll(readers.Concat(writers).Concat(unkeyedWriters));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var restartStarted = Clock.Elapsed;
        await fixture.Server.RestartAsync(CancellationToken.None);
        var restartEnded = Clock.Elapsed;
        await load;
        var acknowledged = (await Task.WhenAll(writers)).SelectMany(keys => keys).ToList();
        var acknowledgedWithoutKey = (await Task.WhenAll(unkeyedWriters)).SelectMany(titles => titles).ToList();

        // The restart happened under load: requests were in flight while the server went down.
        Assert.Contains(answers, answer => answer.Sent < restartEnded && answer.Answered > restartStarted);
        Assert.False(fixture.Api.Process.HasExited);
        Assert.Equal(pid, fixture.Api.Process.Id);
        AssertOnly200sAnd503sWithRetryAfter(answers, fixture.Api.Text);
        Assert.NotEmpty(acknowledged);
        Assert.NotEmpty(acknowledgedWithoutKey);

        // Every acknowledged key is exactly one row; no row exists for a key that was never acknowledged.
        var rows = await RowsPerKeyAsync(run);
        var keyed = rows.Where(row => !row.Key.Contains("-nokey-", StringComparison.Ordinal)).ToList();
        Assert.Equal(acknowledged.Order(), keyed.Select(row => row.Key).Order());
        Assert.All(rows, row => Assert.True(row.Value == 1, $"{row.Value} rows for {row.Key}"));

        // A write sent once without a key is not written twice by the service's own retries either.
        Assert.All(acknowledgedWithoutKey, title => Assert.True(rows.ContainsKey(title), $"acknowledged {title} was not stored"));

        // Connections that broke in use are not counted as in use for ever.
        await AssertEventuallyAsync(async () => (await DatabaseHealthAsync())["data"]!["inUse"]!.GetValue<int>() == 0,
            "the pool should show no connection in use once the load is over");
    }

    [Fact]
    public async Task OutageIsAnswered503WithRetryAfterWithoutHangingAndServingResumesWithoutARestart()
    {
        var pid = fixture.Api.Process.Id;
        await fixture.Server.StopAsync(CancellationToken.None);
        try
        {
            var during = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
            {
                var clock = Stopwatch.StartNew();
                using var response = await fixture.Client.GetAsync(i % 2 == 0 ? "/api/v1/listings?page=1" : "/api/v1/listings/1");
                return (response.StatusCode, response.Headers.RetryAfter, response.Content.Headers.ContentType?.MediaType, clock.Elapsed);
            }));

            Assert.All(during, answer =>
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
                Assert.NotNull(answer.RetryAfter);
                Assert.Equal("application/problem+json", answer.MediaType);
                Assert.True(answer.Elapsed < NoHangBound, $"answered after {answer.Elapsed}");
            });

            using var health = await fixture.Client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var database = JsonNode.Parse(await health.Content.ReadAsStringAsync())!["entries"]!["database"]!;
            Assert.Equal("Unhealthy", database["status"]!.GetValue<string>());

            using var alive = await fixture.Client.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }
        finally
        {
            await fixture.Server.StartAgainAsync(CancellationToken.None);
        }

        await AssertEventuallyAsync(async () =>
        {
            using var response = await fixture.Client.GetAsync("/api/v1/listings?page=1");
            return response.StatusCode == HttpStatusCode.OK;
        }, "the API should serve again once PostgreSQL is back");
        Assert.Equal(pid, fixture.Api.Process.Id);
        Assert.False(fixture.Api.Process.HasExited);
    }

    [Fact]
    public async Task KilledBackendsUnderReadLoadCauseNoClientVisibleError()
    {
        var answers = new ConcurrentBag<Answer>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var load = Task.WhenAll(Enumerable.Range(0, 40).Select(i => ReadUntilAsync(i, answers, stop.Token)));

        var killed = 0;
        await using (var admin = await fixture.OpenDatabaseAsync())
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(0.8));
                await using var terminate = admin.CreateCommand();
                terminate.CommandText = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
                killed += Convert.ToInt32(await terminate.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        await load;
        Assert.True(killed > 0, "no API connection was killed: the test proved nothing");
        var failures = answers.Where(answer => answer.Status != HttpStatusCode.OK).ToList();
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {answers.Count} reads failed after {killed} killed connections: {string.Join(", ", failures.Take(5))}\n{fixture.Api.Text[^Math.Min(4000, fixture.Api.Text.Length)..]}");
    }

    private async Task ReadUntilAsync(int client, ConcurrentBag<Answer> answers, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var path = (client + i) % 4 == 0 ? $"/api/v1/listings/{1 + (i % RestartableDatabaseFixture.SeedCount)}" : $"/api/v1/listings?page={1 + (i % 5)}";
            answers.Add(await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path)));
        }
    }

    /// <summary>
    /// Creates listings one after another, each under its own Idempotency-Key, repeating a request with the same key
    /// after any failure until it is acknowledged: what a careful client does. Returns the acknowledged keys.
    /// </summary>
    private async Task<List<string>> WriteUntilAsync(string writer, ConcurrentBag<Answer> answers, CancellationToken stop)
    {
        var acknowledged = new List<string>();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"{writer}-{i}";
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var answer = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings")
                {
                    Content = JsonContent.Create(ListingBodies.Valid($"fault {key}")),
                    Headers = { { IdempotencyKey.HeaderName, key } },
                });
                answers.Add(answer);
                if (answer.Status == HttpStatusCode.Created)
                {
                    acknowledged.Add(key);
                    break;
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"key {key} was never acknowledged; last answer {answer}");
                await Task.Delay(100, CancellationToken.None);
            }
        }

        return acknowledged;
    }

    /// <summary>
    /// Creates listings one after another without an Idempotency-Key, each sent once (repeating it could create it twice:
    /// that is the client's risk). Returns the titles of the acknowledged ones.
    /// </summary>
    private async Task<List<string>> WriteWithoutKeyUntilAsync(string writer, ConcurrentBag<Answer> answers, CancellationToken stop)
    {
        var acknowledged = new List<string>();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var title = $"{writer}-{i}";
            var answer = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings")
            {
                Content = JsonContent.Create(ListingBodies.Valid($"fault {title}")),
            });
            answers.Add(answer);
            if (answer.Status == HttpStatusCode.Created)
            {
                acknowledged.Add(title);
            }
        }

        return acknowledged;
    }

    private async Task<Answer> SendAsync(Func<HttpRequestMessage> request)
    {
        var sent = Clock.Elapsed;
        try
        {
            using var message = request();
            using var response = await fixture.Client.SendAsync(message);
            return new Answer(response.StatusCode, response.Headers.RetryAfter is not null, sent, Clock.Elapsed);
        }
        catch (HttpRequestException error)
        {
            return new Answer(0, false, sent, Clock.Elapsed, error.Message);
        }
    }

    private static void AssertOnly200sAnd503sWithRetryAfter(IEnumerable<Answer> answers, string apiOutput)
    {
        var unexpected = answers
            .Where(answer => answer.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)
                && !(answer.Status == HttpStatusCode.ServiceUnavailable && answer.HasRetryAfter))
            .ToList();
        Assert.True(unexpected.Count == 0,
            $"{unexpected.Count} unexpected answers: {string.Join(", ", unexpected.Take(10))}\nAPI errors:\n{ErrorsIn(apiOutput)}");
    }

    /// <summary>The API's error log entries (a "fail:" line and its indented lines), without stack frames.</summary>
    private static string ErrorsIn(string apiOutput)
    {
        var lines = apiOutput.Split('\n');
        var errors = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("fail:", StringComparison.Ordinal))
            {
                continue;
            }

            errors.Add(lines[i]);
            for (var j = i + 1; j < lines.Length && lines[j].StartsWith(' ') && errors.Count < 60; j++)
            {
                if (!lines[j].TrimStart().StartsWith("at ", StringComparison.Ordinal))
                {
                    errors.Add(lines[j]);
                }
            }
        }

        return string.Join('\n', errors.Take(60));
    }

    private async Task<Dictionary<string, long>> RowsPerKeyAsync(string run)
    {
        await using var connection = await fixture.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT substring(title from 7), count(*) FROM listings WHERE title LIKE @prefix GROUP BY title";
        command.Parameters.AddWithValue("prefix", $"fault {run}-%");
        var rows = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }

    private async Task<JsonNode> DatabaseHealthAsync()
    {
        using var response = await fixture.Client.GetAsync("/health");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["entries"]!["database"]!;
    }

    private static async Task AssertEventuallyAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"Not within 15 s: {because}.");
    }

    private sealed record Answer(HttpStatusCode Status, bool HasRetryAfter, TimeSpan Sent, TimeSpan Answered, string? Error = null);
}
