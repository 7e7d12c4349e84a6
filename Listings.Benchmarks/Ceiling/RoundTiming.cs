namespace Listings.Benchmarks.Ceiling;

/// <summary>
/// How processes measured side by side are loaded (see <see cref="SideBySide"/>): the warm-up every fresh process gets,
/// how long each point runs and in how many rounds, and the unmeasured load before each round. The ceiling run and the
/// compare run take their numbers alike because both read them here.
/// </summary>
/// <param name="WarmUp">How long each fresh process is loaded before it is measured (see <see cref="Ceiling.WarmUp"/>).</param>
/// <param name="WarmUpWindow">The window the warm-up's CPU per request is logged for.</param>
/// <param name="PointDuration">How long <c>wrk</c> runs at one connection count, in all rounds together.</param>
/// <param name="Rounds">
/// The rounds each point is measured in: the processes take turns, in the reverse order every other round, so a machine
/// that drifts during the run weighs on every process alike.
/// </param>
/// <param name="LeadIn">The unmeasured load before each round, so a process that sat idle meets the load before it counts.</param>
public sealed record RoundTiming(TimeSpan WarmUp, TimeSpan WarmUpWindow, TimeSpan PointDuration, int Rounds, TimeSpan LeadIn)
{
    /// <summary>The timing of the full run, or of the short one when <paramref name="quick"/>.</summary>
    /// <param name="quick">True for <c>--quick</c>.</param>
    public static RoundTiming For(bool quick) => quick
        ? new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6), 2, TimeSpan.FromSeconds(2))
        : new(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), 4, TimeSpan.FromSeconds(3));

    /// <summary>Gets how long one round of a point is measured.</summary>
    public TimeSpan RoundDuration => PointDuration / Rounds;
}
