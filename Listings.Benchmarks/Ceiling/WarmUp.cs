namespace Listings.Benchmarks.Ceiling;

/// <summary>
/// Loads a fresh process until its code is compiled as it will stay, so the points measure serving, not the JIT. Under
/// load on two cores the API's tiered JIT went on compiling 300 to 600 methods a second for about 20 s
/// (<c>dotnet-counters</c>, <c>dotnet.jit.compiled_methods</c>), its hot paths meanwhile running instrumented code: a 2 s
/// warm-up measured it at 3 to 4 times its steady CPU per request, while the raw endpoint, a much smaller program,
/// settled within about 10 s. Every process of the run gets the same warm-up, in windows whose CPU per request is logged
/// and reported, so the settling shows.
/// </summary>
public static class WarmUp
{
    /// <summary>The connections the warm-up holds open: the middle of the measured range.</summary>
    public const int Connections = 64;

    /// <summary>Runs <paramref name="total"/> of load in windows of <paramref name="window"/>.</summary>
    /// <returns>The CPU microseconds per request of each window, in order.</returns>
    public static async Task<List<double>> RunAsync(
        int processId, Uri url, TimeSpan total, TimeSpan window, string wrkLog, CancellationToken cancellationToken)
    {
        var windows = new List<double>();
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += window)
        {
            var (outcome, cpu) = await ProcessCpu.MeasureAsync(processId,
                () => Wrk.RunAsync(url, Connections, window, wrkLog, cancellationToken));
            windows.Add(outcome.Requests == 0 ? double.NaN : Math.Round(cpu.TotalMicroseconds / outcome.Requests, 1));
        }

        return windows;
    }
}
