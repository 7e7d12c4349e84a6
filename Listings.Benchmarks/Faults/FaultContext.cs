using Listings.Benchmarks.Faults.Load;

namespace Listings.Benchmarks.Faults;

/// <summary>What every fault scenario shares: the server, the one API process, the options and the writer's token.</summary>
/// <param name="Server">The throw-away PostgreSQL server the faults are injected into.</param>
/// <param name="Api">The API process, started once and never restarted.</param>
/// <param name="Options">The run's options.</param>
/// <param name="RunId">A run-unique id that starts every written title, so rows of earlier runs never count.</param>
/// <param name="BearerToken">The JWT sent with every request.</param>
/// <param name="ReadIds">Ids of seeded listings, for reads by id.</param>
public sealed record FaultContext(
    PostgresServer Server,
    ApiServer Api,
    FaultOptions Options,
    string RunId,
    string BearerToken,
    IReadOnlyList<long> ReadIds)
{
    /// <summary>Gets the marker the titles written by <paramref name="scenario"/> start with.</summary>
    /// <param name="scenario">The scenario's short name.</param>
    public string Marker(string scenario) => $"fault-{RunId}-{scenario}";

    /// <summary>Creates the HTTP client of a scenario's load.</summary>
    /// <param name="clock">The scenario's clock.</param>
    public RecordingClient CreateClient(FaultClock clock) =>
        new(Api.BaseAddress, Options.Clients, Options.RequestTimeout, BearerToken, clock);

    /// <summary>Creates a mixed load of <see cref="FaultOptions.Clients"/> clients.</summary>
    /// <param name="client">The scenario's client.</param>
    /// <param name="clock">The scenario's clock.</param>
    /// <param name="scenario">The scenario's short name, for the titles.</param>
    /// <param name="writeShare">The share of writes.</param>
    /// <param name="duration">How long operations start.</param>
    public MixedLoad CreateLoad(RecordingClient client, FaultClock clock, string scenario, double writeShare, TimeSpan duration) =>
        new(client, clock, new LoadProfile(Options.Clients, writeShare, duration, Options.ThinkTime, Options.DrainLimit), Marker(scenario), ReadIds);
}
