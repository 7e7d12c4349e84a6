using System.Text.Json.Nodes;

namespace Listings.Benchmarks.Replicas;

/// <summary>What a running API's <c>/health</c> says about its read replicas (the <c>read-replicas</c> entry).</summary>
public static class ReplicaHealth
{
    /// <summary>Waits until every read host's status is <c>serving</c>: in the rotation.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="timeout">How long to wait before giving up.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">A host was not serving within <paramref name="timeout"/>.</exception>
    public static async Task WaitServingAsync(Uri baseAddress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while ((await ReadHostsAsync(baseAddress, deadline.Token)) is not { Count: > 0 } hosts
                   || hosts.Any(host => host.Value?["status"]?.GetValue<string>() != "serving"))
            {
                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The read replicas of the API at {baseAddress} were not all serving within {timeout}.");
        }
    }

    /// <summary>The <c>Maximum Pool Size</c> of each read host, by host.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static async Task<Dictionary<string, int?>> ReadPoolSizesAsync(Uri baseAddress, CancellationToken cancellationToken) =>
        (await ReadHostsAsync(baseAddress, cancellationToken) ?? []).ToDictionary(
            host => host.Key, host => host.Value?["maxPoolSize"]?.GetValue<int?>());

    /// <summary>
    /// The routed reads the API has counted since it started: those each replica served (<c>hosts.*.reads</c>) and those
    /// the primary served instead, by reason (<c>primaryReads</c>). Each routed read is counted once.
    /// </summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="InvalidOperationException"><c>/health</c> has no read counts.</exception>
    public static async Task<RoutedReads> ReadCountsAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        var data = await ReadDataAsync(baseAddress, cancellationToken);
        if (data?["hosts"] is not JsonObject hosts || data["primaryReads"] is not JsonObject primary)
        {
            throw new InvalidOperationException($"The /health of the API at {baseAddress} has no read-replicas hosts and primaryReads.");
        }

        return new RoutedReads(
            hosts.ToDictionary(host => host.Key, host => host.Value?["reads"]?.GetValue<long>() ?? 0),
            primary.ToDictionary(reason => reason.Key, reason => reason.Value?.GetValue<long>() ?? 0));
    }

    private static async Task<JsonObject?> ReadHostsAsync(Uri baseAddress, CancellationToken cancellationToken) =>
        (await ReadDataAsync(baseAddress, cancellationToken))?["hosts"] as JsonObject;

    private static async Task<JsonNode?> ReadDataAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync("health", cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body?["entries"]?["read-replicas"]?["data"];
    }
}

/// <summary>The routed reads an API counted up to one moment, from <c>/health</c>.</summary>
/// <param name="Replicas">The reads each replica served, by host.</param>
/// <param name="Primary">The reads the primary served instead, by reason (<c>lagging</c>, <c>down</c>, <c>not-replayed</c>).</param>
public sealed record RoutedReads(IReadOnlyDictionary<string, long> Replicas, IReadOnlyDictionary<string, long> Primary)
{
    /// <summary>The reads counted after <paramref name="earlier"/>, per host and per reason.</summary>
    /// <param name="earlier">An earlier count of the same API.</param>
    public RoutedReads Since(RoutedReads earlier) => new(
        Replicas.ToDictionary(host => host.Key, host => host.Value - earlier.Replicas.GetValueOrDefault(host.Key)),
        Primary.ToDictionary(reason => reason.Key, reason => reason.Value - earlier.Primary.GetValueOrDefault(reason.Key)));
}
