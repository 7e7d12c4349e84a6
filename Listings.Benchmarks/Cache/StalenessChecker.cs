using System.Diagnostics;

namespace Listings.Benchmarks.Cache;

/// <summary>
/// Judges every recorded read against every write answered before it started. A read R that shows listing L at version
/// v is stale by d when a write of L with a higher version was answered at t before R started: d = R.start − t, t the
/// earliest such answer. It is a <em>same-process</em> stale read when such a write was answered by the process R asked
/// (the cache evicts before a write answers: never expected), else a <em>cross-process</em> one (the other processes
/// evict when they hear the write's notification: expected, within the bound). A read that shows several stale listings
/// counts once, as same-process if any is, with its largest d.
/// </summary>
/// <remarks>
/// Every write of the run is logged here, whichever setting sent it: the settings share one database, and a process of
/// A that missed a write of B would show it. A listing's writes are sent one after the other by the one loop that owns
/// it, so its versions rise in the order they were answered (checked as they are logged); a write that timed out is not
/// logged, as the client never learned that it took effect.
/// </remarks>
/// <param name="listings">The listings of the read mix.</param>
public sealed class StalenessChecker(int listings)
{
    private readonly List<WriteAnswer>[] _writes = [.. Enumerable.Range(0, listings).Select(_ => new List<WriteAnswer>())];

    /// <summary>Gets the writes logged.</summary>
    public long Writes { get; private set; }

    /// <summary>Gets the writes whose version was lower than an earlier-answered write of the same listing: expected 0.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Logs the writes of <paramref name="phase"/>; call it before checking that phase's reads.</summary>
    /// <param name="phase">A run of the loops, recorded or not.</param>
    public void Log(PhaseRecord phase)
    {
        foreach (var write in phase.Loops.SelectMany(l => l.Writes).OrderBy(w => w.Answered))
        {
            var log = _writes[write.Listing];
            if (log.Count > 0 && log[^1].Version > write.Version)
            {
                OutOfOrder++;
            }

            log.Add(write);
            Writes++;
        }

        foreach (var log in _writes)
        {
            log.Sort((x, y) => x.Version.CompareTo(y.Version));
        }
    }

    /// <summary>Checks every recorded read of <paramref name="phase"/> into <paramref name="tally"/>.</summary>
    /// <param name="phase">A recorded run of the loops whose writes are logged.</param>
    /// <param name="tally">The setting's counts so far.</param>
    public void Check(PhaseRecord phase, StalenessTally tally)
    {
        foreach (var loop in phase.Loops)
        {
            tally.Unreadable += loop.Unreadable;
            foreach (var read in loop.Reads)
            {
                tally.Reads++;
                var sameProcess = false;
                var stalestSince = long.MaxValue;
                for (var i = read.First; i < read.First + read.Count; i++)
                {
                    tally.Listings++;
                    var (listing, version) = loop.Seen[i];
                    var log = _writes[listing];
                    var newer = FirstAbove(log, version);
                    if (newer == log.Count || log[newer].Answered >= read.Start)
                    {
                        continue;
                    }

                    tally.StaleListings++;
                    stalestSince = Math.Min(stalestSince, log[newer].Answered);
                    for (var w = newer; w < log.Count && log[w].Answered < read.Start; w++)
                    {
                        sameProcess |= log[w].Process == loop.Process;
                    }
                }

                if (stalestSince != long.MaxValue)
                {
                    tally.Stale(sameProcess, Stopwatch.GetElapsedTime(stalestSince, read.Start).TotalMilliseconds);
                }
            }
        }
    }

    // The index of the first write with a version above version (log.Count when none is).
    private static int FirstAbove(List<WriteAnswer> log, int version)
    {
        int low = 0, high = log.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (log[middle].Version > version)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}

/// <summary>The checker's counts for one setting, over its rounds.</summary>
/// <param name="bound">How stale a cross-process read may be.</param>
public sealed class StalenessTally(TimeSpan bound)
{
    private readonly List<double> _crossProcessMs = [];

    /// <summary>Gets or sets the 2xx reads checked.</summary>
    public long Reads { get; set; }

    /// <summary>Gets or sets the listings those reads showed.</summary>
    public long Listings { get; set; }

    /// <summary>Gets or sets the 2xx reads whose body could not be read (not checked).</summary>
    public long Unreadable { get; set; }

    /// <summary>Gets or sets the listings shown at a version older than a write answered before the read started.</summary>
    public long StaleListings { get; set; }

    /// <summary>Gets the stale reads where a newer write had been answered by the same process.</summary>
    public long SameProcessReads { get; private set; }

    /// <summary>Gets the largest staleness of those, in milliseconds.</summary>
    public double SameProcessMaxMs { get; private set; }

    /// <summary>Gets the outcome, with the cross-process staleness summed up.</summary>
    public StalenessOutcome Outcome()
    {
        var cross = _crossProcessMs.Order().ToArray();
        return new StalenessOutcome
        {
            ReadsChecked = Reads,
            ListingsChecked = Listings,
            Unreadable = Unreadable,
            StaleListings = StaleListings,
            SameProcessStaleReads = SameProcessReads,
            SameProcessMaxMs = Math.Round(SameProcessMaxMs, 1),
            CrossProcessStaleReads = cross.Length,
            CrossProcessBeyondBound = cross.Count(d => d > bound.TotalMilliseconds),
            CrossProcessP50Ms = cross.Length == 0 ? 0 : Math.Round(LoadGenerator.Percentile(cross, 0.5), 1),
            CrossProcessP99Ms = cross.Length == 0 ? 0 : Math.Round(LoadGenerator.Percentile(cross, 0.99), 1),
            CrossProcessMaxMs = cross.Length == 0 ? 0 : Math.Round(cross[^1], 1),
        };
    }

    /// <summary>Counts a stale read.</summary>
    /// <param name="sameProcess">True when a newer write had been answered by the process the read asked.</param>
    /// <param name="milliseconds">From the earliest newer write's answer to the read's start.</param>
    public void Stale(bool sameProcess, double milliseconds)
    {
        if (sameProcess)
        {
            SameProcessReads++;
            SameProcessMaxMs = Math.Max(SameProcessMaxMs, milliseconds);
        }
        else
        {
            _crossProcessMs.Add(milliseconds);
        }
    }
}
