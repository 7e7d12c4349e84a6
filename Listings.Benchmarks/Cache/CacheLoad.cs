using System.Diagnostics;
using System.Net;
using System.Text;

namespace Listings.Benchmarks.Cache;

/// <summary>One process the load talks to: its name in the report and the checker, its client and its process id.</summary>
/// <param name="Name">E.g. <c>A1</c>.</param>
/// <param name="Client">A client able to hold a connection per loop bound to it, without an <c>Authorization</c> header.</param>
/// <param name="ProcessId">The process whose CPU is counted.</param>
public sealed record CacheTarget(string Name, HttpClient Client, int ProcessId);

/// <summary>
/// The recording closed-loop generator: each loop is bound to one process (loop <c>k</c> to process <c>k mod n</c>) and
/// sends its next request as soon as the last is answered; a request is a write with probability <c>writeShare</c>,
/// else a read of one of the <see cref="ReadMix"/> pages, uniformly. Reads go without an <c>Authorization</c> header
/// (the cacheable kind); writes carry the seed owner's token and are PUTs of a listing the loop owns (listing <c>i</c>
/// belongs to loop <c>i mod loops</c>, so each listing's writes are sent one after the other and its versions rise in
/// the order they are answered), setting its title to the next version of one counter shared by every loop. All times
/// are <see cref="Stopwatch"/> timestamps of this process.
/// </summary>
public sealed class CacheLoad(ReadMix mix, string bearerToken)
{
    private readonly ReadMix _mix = mix;
    private readonly string _authorization = "Bearer " + bearerToken;
    private int _version;

    /// <summary>Runs <paramref name="loops"/> loops for <paramref name="duration"/>, then waits for the requests in flight.</summary>
    /// <param name="targets">The processes; the loops are split evenly over them.</param>
    /// <param name="loops">Concurrent loops.</param>
    /// <param name="writeShare">The share of operations that are writes; 0 for reads only.</param>
    /// <param name="duration">How long new requests are sent.</param>
    /// <param name="record">True to keep every read's times and what it showed (for the checker and the latencies).</param>
    /// <param name="cancellationToken">Aborts the run.</param>
    public async Task<PhaseRecord> RunAsync(IReadOnlyList<CacheTarget> targets, int loops, double writeShare, TimeSpan duration,
        bool record, CancellationToken cancellationToken)
    {
        var owned = Enumerable.Range(0, loops)
            .Select(k => writeShare > 0 ? Enumerable.Range(0, _mix.Listings.Count).Where(i => i % loops == k).ToArray() : [])
            .ToArray();
        var seed = Environment.TickCount;
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var cpuBefore = targets.Sum(t => Ceiling.ProcessCpu.Read(t.ProcessId).TotalSeconds);
        var records = await Task.WhenAll(Enumerable.Range(0, loops).Select(k =>
            new Loop(this, targets[k % targets.Count], owned[k], writeShare, record, new Random(seed + k))
                .RunAsync(stopAt, cancellationToken)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = targets.Sum(t => Ceiling.ProcessCpu.Read(t.ProcessId).TotalSeconds) - cpuBefore;
        return new PhaseRecord(seconds, cpu, records);
    }

    // One closed loop and what it recorded; its buffer is reused for every answer.
    private sealed class Loop(CacheLoad load, CacheTarget target, int[] owned, double writeShare, bool record, Random random)
    {
        private readonly LoopRecord _record = new(target.Name);
        private byte[] _buffer = new byte[64 * 1024];

        public async Task<LoopRecord> RunAsync(long stopAt, CancellationToken cancellationToken)
        {
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                if (owned.Length > 0 && random.NextDouble() < writeShare)
                {
                    await WriteAsync(owned[random.Next(owned.Length)], cancellationToken);
                }
                else
                {
                    await ReadAsync(load._mix.Paths[random.Next(load._mix.Paths.Count)], cancellationToken);
                }
            }

            return _record;
        }

        private async Task ReadAsync(Uri path, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await target.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var length = await ReadBodyAsync(response.Content, cancellationToken);
                var end = Stopwatch.GetTimestamp();
                if (!IsSuccess(response.StatusCode))
                {
                    _record.Fail("read", response.StatusCode);
                    return;
                }

                _record.ReadsOk++;
                if (!record)
                {
                    return;
                }

                var first = _record.Seen.Count;
                if (!load._mix.TryRead(_buffer.AsSpan(0, length), _record.Seen))
                {
                    _record.Seen.RemoveRange(first, _record.Seen.Count - first);
                    _record.Unreadable++;
                }

                _record.Reads.Add(new ReadAnswer(start, end, first, _record.Seen.Count - first));
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _record.Fail("read timeout");
            }
            catch (HttpRequestException)
            {
                _record.Fail("read connection error");
            }
        }

        private async Task WriteAsync(int listing, CancellationToken cancellationToken)
        {
            var version = Interlocked.Increment(ref load._version);
            var listingToWrite = load._mix.Listings[listing];
            using var request = new HttpRequestMessage(HttpMethod.Put, listingToWrite.Path)
            {
                Content = new StringContent(listingToWrite.Body(ReadMix.Title(version)), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", load._authorization);
            try
            {
                using var response = await target.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var answered = Stopwatch.GetTimestamp();
                if (!IsSuccess(response.StatusCode))
                {
                    _record.Fail("write", response.StatusCode);
                    return;
                }

                _record.Writes.Add(new WriteAnswer(listing, version, answered, target.Name));
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // It may still commit: its version is never counted as answered, so no read is judged against it.
                _record.Fail("write timeout");
            }
            catch (HttpRequestException)
            {
                _record.Fail("write connection error");
            }
        }

        // The whole body into the loop's buffer, grown when an answer does not fit; returns its length.
        private async Task<int> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(_buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
            }

            return length;
        }

        private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
    }
}

/// <summary>What one run of the loops recorded.</summary>
/// <param name="Seconds">From the first request to the last answer (the duration plus draining the requests in flight).</param>
/// <param name="CpuSeconds">The user + system CPU the targets' processes used meanwhile, summed.</param>
/// <param name="Loops">Each loop's records.</param>
public sealed record PhaseRecord(double Seconds, double CpuSeconds, IReadOnlyList<LoopRecord> Loops)
{
    /// <summary>Gets the reads answered 2xx.</summary>
    public long ReadsOk => Loops.Sum(l => l.ReadsOk);

    /// <summary>Gets the writes answered 2xx.</summary>
    public long WritesOk => Loops.Sum(l => (long)l.Writes.Count);

    /// <summary>Gets the answers that were not 2xx and the requests without an answer, by label (e.g. <c>read 503</c>).</summary>
    public Dictionary<string, long> Failures => Loops.SelectMany(l => l.Failures)
        .GroupBy(f => f.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(f => f.Value));

    /// <summary>Gets the latency of every recorded 2xx read, in milliseconds.</summary>
    public IEnumerable<double> ReadLatenciesMs => Loops.SelectMany(l => l.Reads.Select(r => Stopwatch.GetElapsedTime(r.Start, r.End).TotalMilliseconds));
}

/// <summary>What one loop sent and saw.</summary>
/// <param name="Process">The name of the process the loop was bound to.</param>
public sealed class LoopRecord(string Process)
{
    /// <summary>Gets the name of the process the loop was bound to.</summary>
    public string Process { get; } = Process;

    /// <summary>Gets or sets the reads answered 2xx.</summary>
    public long ReadsOk { get; set; }

    /// <summary>Gets or sets the 2xx reads whose body was not a page of the mix's listings (not checked).</summary>
    public long Unreadable { get; set; }

    /// <summary>Gets every recorded 2xx read.</summary>
    public List<ReadAnswer> Reads { get; } = [];

    /// <summary>Gets what the recorded reads showed; each read's listings are a slice of it.</summary>
    public List<ListingVersion> Seen { get; } = [];

    /// <summary>Gets every write answered 2xx.</summary>
    public List<WriteAnswer> Writes { get; } = [];

    /// <summary>Gets the answers that were not 2xx and the requests without an answer, by label.</summary>
    public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts a failure under <paramref name="label"/>.</summary>
    /// <param name="label">E.g. <c>read timeout</c>.</param>
    public void Fail(string label) => Failures[label] = Failures.GetValueOrDefault(label) + 1;

    /// <summary>Counts an answer that was not 2xx, under the kind and the status code.</summary>
    /// <param name="kind"><c>read</c> or <c>write</c>.</param>
    /// <param name="status">The status.</param>
    public void Fail(string kind, HttpStatusCode status) => Fail($"{kind} {(int)status}");
}

/// <summary>One 2xx read.</summary>
/// <param name="Start">When it was sent.</param>
/// <param name="End">When its whole answer was read.</param>
/// <param name="First">Its first listing in <see cref="LoopRecord.Seen"/>.</param>
/// <param name="Count">How many listings it showed.</param>
public readonly record struct ReadAnswer(long Start, long End, int First, int Count);

/// <summary>One 2xx write.</summary>
/// <param name="Listing">The listing's index in <see cref="ReadMix.Listings"/>.</param>
/// <param name="Version">The version it set.</param>
/// <param name="Answered">When its answer arrived.</param>
/// <param name="Process">The name of the process that took it.</param>
public readonly record struct WriteAnswer(int Listing, int Version, long Answered, string Process);
