using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Listings.AppHost;

/// <summary>Hands the AppHost's connection-pool settings and the replica count to a service.</summary>
public static class ConnectionPoolPolicyExtensions
{
    /// <summary>The AppHost configuration section forwarded to the service, as the service's own <c>ConnectionPool</c> section.</summary>
    public const string SectionName = "ConnectionPool";

    /// <summary>
    /// Forwards every <c>ConnectionPool:*</c> setting of the AppHost to <paramref name="service"/>, so the pool policy is
    /// configured where the connection string is, and sets <c>ConnectionPool:Replicas</c> to the service's replica count,
    /// as every replica has a pool of its own. This call may come before or after <c>WithReplicas</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConnectionPoolPolicy(this IResourceBuilder<ProjectResource> service)
    {
        var settings = service.ApplicationBuilder.Configuration.GetSection(SectionName)
            .AsEnumerable(makePathsRelative: true)
            .Where(setting => setting.Value is not null && !string.Equals(setting.Key, "Replicas", StringComparison.OrdinalIgnoreCase));

        foreach (var (key, value) in settings)
        {
            service.WithEnvironment($"{SectionName}__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
        }

        // Read when needed, not now: WithReplicas may come after this call.
        string Replicas() => (service.Resource.TryGetLastAnnotation<ReplicaAnnotation>(out var annotation) ? annotation.Replicas : 1)
            .ToString(CultureInfo.InvariantCulture);
        if (!service.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return service.WithEnvironment(ReplicasVariable, Replicas);
        }

        // A deployment chooses its replica count: the manifest asks for it, defaulting to this run's.
        var parameter = service.ApplicationBuilder.AddParameter($"{service.Resource.Name}-replicas", Replicas, publishValueAsDefault: true);
        return service.WithEnvironment(ReplicasVariable, parameter);
    }

    /// <summary>The service's setting that carries the replica count.</summary>
    public const string ReplicasVariable = SectionName + "__Replicas";
}
