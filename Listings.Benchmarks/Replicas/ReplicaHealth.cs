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

    private static async Task<JsonObject?> ReadHostsAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync("health", cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body?["entries"]?["read-replicas"]?["data"]?["hosts"] as JsonObject;
    }
}
