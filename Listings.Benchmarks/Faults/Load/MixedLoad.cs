using System.Text.Json;

namespace Listings.Benchmarks.Faults.Load;

/// <summary>
/// Closed-loop clients mixing safe reads and idempotent writes, the way a careful client behaves during a fault
/// (between two operations each client pauses for a think time):
/// <list type="bullet">
/// <item>a read is sent once (retrying it is the API's job); after a failure the client waits for the answer's
/// <c>Retry-After</c>, or 100 ms, before its next operation;</item>
/// <item>a write carries a fresh <c>Idempotency-Key</c> and, after an ambiguous failure (timeout, broken
/// connection, 5xx, 408, 429), is repeated with the SAME key and body, after <c>Retry-After</c> or 200 ms, until it
/// is answered 201 or 200; another 4xx ends it as rejected.</item>
/// </list>
/// </summary>
public sealed class MixedLoad
{
    private static readonly TimeSpan ReadPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan WritePause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    private readonly RecordingClient _client;
    private readonly FaultClock _clock;
    private readonly LoadProfile _profile;
    private readonly string _marker;
    private readonly IReadOnlyList<long> _readIds;

    /// <summary>Prepares the load.</summary>
    /// <param name="client">The client every request goes through.</param>
    /// <param name="clock">The scenario's clock.</param>
    /// <param name="profile">The load's shape.</param>
    /// <param name="marker">The marker every written title starts with.</param>
    /// <param name="readIds">Ids that exist, for reads by id.</param>
    public MixedLoad(RecordingClient client, FaultClock clock, LoadProfile profile, string marker, IReadOnlyList<long> readIds)
    {
        _client = client;
        _clock = clock;
        _profile = profile;
        _marker = marker;
        _readIds = readIds.Count > 0 ? readIds : throw new ArgumentException("Reads by id need at least one id.", nameof(readIds));
    }

    /// <summary>
    /// Runs the clients from now for the profile's duration, then lets writes still unacknowledged retry for up to the
    /// drain limit.
    /// </summary>
    /// <param name="cancellationToken">Aborts the run.</param>
    public async Task<LoadOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var end = _clock.Now + _profile.Duration.TotalSeconds;
        var giveUp = end + _profile.DrainLimit.TotalSeconds;
        var requests = new List<RequestRecord>[_profile.Clients];
        var writes = new List<WriteRecord>[_profile.Clients];

        async Task ClientLoopAsync(int index)
        {
            var myRequests = requests[index] = [];
            var myWrites = writes[index] = [];
            var random = new Random(index);
            await Task.Yield();
            while (_clock.Now < end)
            {
                await Task.Delay(ThinkTime(random), cancellationToken);
                if (random.NextDouble() < _profile.WriteShare)
                {
                    myWrites.Add(await WriteAsync(myRequests, giveUp, cancellationToken));
                    continue;
                }

                var (kind, path) = random.Next(2) == 0
                    ? (RequestKind.List, $"api/v1/listings?page={random.Next(1, 6)}&pageSize=20")
                    : (RequestKind.Get, $"api/v1/listings/{_readIds[random.Next(_readIds.Count)]}");
                var (record, _, retryAfter) = await _client.SendAsync(kind, new HttpRequestMessage(HttpMethod.Get, path), null, 1, cancellationToken);
                myRequests.Add(record);
                if (!record.Succeeded)
                {
                    await Task.Delay(Pause(retryAfter, ReadPause), cancellationToken);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, _profile.Clients).Select(ClientLoopAsync));
        return new LoadOutcome(requests.SelectMany(r => r).ToList(), writes.SelectMany(w => w).ToList());
    }

    private async Task<WriteRecord> WriteAsync(List<RequestRecord> records, double giveUp, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/listings") { Content = ListingBody.For(_marker, key) };
            request.Headers.Add("Idempotency-Key", key);
            var (record, body, retryAfter) = await _client.SendAsync(RequestKind.Create, request, key, attempt, cancellationToken);
            records.Add(record);
            if (record.Succeeded)
            {
                return new WriteRecord(key, attempt, Acknowledged: true, IdOf(body), record.Outcome, Rejected: false);
            }

            if (!IsAmbiguous(record))
            {
                return new WriteRecord(key, attempt, Acknowledged: false, null, record.Outcome, Rejected: true);
            }

            if (_clock.Now >= giveUp)
            {
                return new WriteRecord(key, attempt, Acknowledged: false, null, record.Outcome, Rejected: false);
            }

            await Task.Delay(Pause(retryAfter, WritePause), cancellationToken);
        }
    }

    private TimeSpan ThinkTime(Random random) =>
        _profile.ThinkTime * (0.5 + random.NextDouble() / 2);

    // An answer that does not say whether the write happened: only repeating the key can tell.
    private static bool IsAmbiguous(RequestRecord record) =>
        record.Failure != RequestFailure.None || record.Status >= 500 || record.Status is 408 or 429;

    private static TimeSpan Pause(TimeSpan? retryAfter, TimeSpan otherwise) =>
        retryAfter is { } delta ? TimeSpan.FromTicks(Math.Min(delta.Ticks, LongestPause.Ticks)) : otherwise;

    private static long? IdOf(string? body)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
