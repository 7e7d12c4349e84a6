using System.Globalization;
using Listings.Benchmarks.Throughput;

namespace Listings.Benchmarks.Ceiling;

/// <summary>One round of one process at one load: what <c>wrk</c> saw, the CPU the process used meanwhile, its peak connections.</summary>
/// <param name="Outcome">What <c>wrk</c> reported.</param>
/// <param name="Cpu">The serving process's user + system CPU time over the round.</param>
/// <param name="PeakServerConnections">The most server connections of the process's <c>Application Name</c> seen meanwhile.</param>
public sealed record MeasuredRound(WrkOutcome Outcome, TimeSpan Cpu, int PeakServerConnections);

/// <summary>
/// Processes that run side by side against one server and take turns, one loaded at a time: each is warmed up when it is
/// started, then every point is measured in rounds, the processes in the reverse order every other round, each round after
/// an unmeasured lead-in on the same process. On a shared machine the same build measured minutes apart does not give the
/// same numbers; measured in one block per process, that drift would fall on one process's points and not on another's.
/// </summary>
/// <param name="sampler">Counts each process's server connections by its <c>Application Name</c> while it is measured.</param>
/// <param name="timing">The warm-up, rounds and lead-in.</param>
/// <param name="wrkLog">The file every <c>wrk</c> report is appended to.</param>
public sealed class SideBySide(ConnectionSampler sampler, RoundTiming timing, string wrkLog)
{
    /// <summary>The request every process is measured with: the first page of the listings, unfiltered.</summary>
    public const string PagePath = "api/v1/listings?page=1&pageSize=20";

    /// <summary>Loads a fresh process for <see cref="RoundTiming.WarmUp"/> (JIT, the model, the pool and the prepared statements: see <see cref="WarmUp"/>).</summary>
    /// <param name="label">The process's name in the progress lines.</param>
    /// <param name="process">The process.</param>
    /// <param name="cancellationToken">Stops the load.</param>
    /// <returns>The CPU microseconds per request of each window of <see cref="RoundTiming.WarmUpWindow"/>, in order.</returns>
    public async Task<List<double>> WarmUpAsync(string label, ApiServer process, CancellationToken cancellationToken)
    {
        RunFrame.Log($"  warming {label} up for {timing.WarmUp.TotalSeconds:0} s at {WarmUp.Connections} connections...");
        var windows = await WarmUp.RunAsync(process.ProcessId, new Uri(process.BaseAddress, PagePath),
            timing.WarmUp, timing.WarmUpWindow, wrkLog, cancellationToken);
        RunFrame.Log($"  µs CPU/request per {timing.WarmUpWindow.TotalSeconds:0} s window: {string.Join(", ", windows.Select(w => w.ToString("0", CultureInfo.InvariantCulture)))}");
        return windows;
    }

    /// <summary>
    /// Each process at the same load in turn, <paramref name="duration"/> in all split over the rounds, the order reversed
    /// every other round; each round after the lead-in.
    /// </summary>
    /// <param name="processes">The processes with the <c>Application Name</c> of their server connections.</param>
    /// <param name="connections">The connections <c>wrk</c> holds open.</param>
    /// <param name="duration">How long each process is measured, in all rounds together.</param>
    /// <param name="cancellationToken">Stops the load.</param>
    /// <returns>One list of rounds per process, in the order given.</returns>
    public async Task<List<MeasuredRound>[]> MeasureInRoundsAsync(
        IReadOnlyList<(string ApplicationName, ApiServer Process)> processes, int connections, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var rounds = processes.Select(_ => new List<MeasuredRound>()).ToArray();
        for (var round = 0; round < timing.Rounds; round++)
        {
            var order = Enumerable.Range(0, processes.Count);
            foreach (var i in round % 2 == 0 ? order : order.Reverse())
            {
                var (applicationName, process) = processes[i];
                await LoadAsync(process, connections, timing.LeadIn, cancellationToken);
                rounds[i].Add(await MeasureOnceAsync(applicationName, process, connections, duration / timing.Rounds, cancellationToken));
            }
        }

        return rounds;
    }

    /// <summary>Load that is not measured: the lead-in of a round.</summary>
    /// <param name="process">The process loaded.</param>
    /// <param name="connections">The connections <c>wrk</c> holds open.</param>
    /// <param name="duration">How long; nothing happens when it is zero.</param>
    /// <param name="cancellationToken">Stops the load.</param>
    public Task LoadAsync(ApiServer process, int connections, TimeSpan duration, CancellationToken cancellationToken) =>
        duration <= TimeSpan.Zero
            ? Task.CompletedTask
            : Wrk.RunAsync(new Uri(process.BaseAddress, PagePath), connections, duration, wrkLog, cancellationToken);

    /// <summary>Measures one process once: <c>wrk</c>, the process's CPU over it and its peak server connections.</summary>
    /// <param name="applicationName">The <c>Application Name</c> of the process's server connections.</param>
    /// <param name="process">The process.</param>
    /// <param name="connections">The connections <c>wrk</c> holds open.</param>
    /// <param name="duration">How long.</param>
    /// <param name="cancellationToken">Stops the load.</param>
    public async Task<MeasuredRound> MeasureOnceAsync(
        string applicationName, ApiServer process, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        sampler.Start(applicationName);
        try
        {
            var (outcome, cpu) = await ProcessCpu.MeasureAsync(process.ProcessId,
                () => Wrk.RunAsync(new Uri(process.BaseAddress, PagePath), connections, duration, wrkLog, cancellationToken));
            return new MeasuredRound(outcome, cpu, sampler.Peak);
        }
        finally
        {
            await sampler.StopAsync();
        }
    }

    /// <summary>One point from its rounds: totals over all of them, the mean of their medians and the highest p99.</summary>
    /// <param name="setting">The process's name in the report.</param>
    /// <param name="connections">The connections <c>wrk</c> held open.</param>
    /// <param name="poolSize">The process's <c>Maximum Pool Size</c>, 0 when unknown.</param>
    /// <param name="rounds">The rounds.</param>
    /// <param name="advice">What <c>/health</c> recommended under this load, when it was read.</param>
    public static CeilingPoint Summarize(string setting, int connections, int poolSize, IReadOnlyList<MeasuredRound> rounds, string? advice = null)
    {
        var requests = rounds.Sum(r => r.Outcome.Requests);
        var nonSuccess = rounds.Sum(r => r.Outcome.NonSuccess);
        var seconds = rounds.Sum(r => r.Outcome.Seconds);
        var cpu = rounds.Aggregate(TimeSpan.Zero, (total, r) => total + r.Cpu);
        return new CeilingPoint
        {
            Setting = setting,
            Connections = connections,
            PoolSize = poolSize,
            Requests = requests,
            Seconds = Math.Round(seconds, 1),
            OkPerSecond = seconds == 0 ? 0 : Math.Round((requests - nonSuccess) / seconds, 1),
            OkPerSecondByRound = [.. rounds.Select(r => r.Outcome.Seconds == 0 ? 0 : Math.Round((r.Outcome.Requests - r.Outcome.NonSuccess) / r.Outcome.Seconds, 1))],
            NonSuccess = nonSuccess,
            NonSuccessShare = requests == 0 ? 1 : Math.Round((double)nonSuccess / requests, 4),
            SocketErrors = rounds.Sum(r => r.Outcome.SocketErrors),
            P50Ms = Math.Round(rounds.Average(r => r.Outcome.P50Ms), 2),
            P99Ms = Math.Round(rounds.Max(r => r.Outcome.P99Ms), 1),
            CpuMicrosecondsPerRequest = requests == 0 ? double.NaN : Math.Round(cpu.TotalMicroseconds / requests, 1),
            CpuMicrosecondsPerRequestByRound = [.. rounds.Select(r => r.Outcome.Requests == 0 ? double.NaN : Math.Round(r.Cpu.TotalMicroseconds / r.Outcome.Requests, 1))],
            PeakServerConnections = rounds.Max(r => r.PeakServerConnections),
            RecommendedMaxPoolSize = advice,
        };
    }
}
