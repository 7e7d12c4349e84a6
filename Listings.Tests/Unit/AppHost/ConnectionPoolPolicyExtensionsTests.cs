using Aspire.Hosting.ApplicationModel;
using Listings.AppHost;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit.AppHost;

public sealed class ConnectionPoolPolicyExtensionsTests
{
    private static readonly string ApiProject = Path.Combine(RepositoryPaths.Root, "Listings.Api", "Listings.Api.csproj");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheServiceIsToldItsReplicaCountWhicheverCallComesFirst(bool policyFirst)
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var api = builder.AddProject("api", ApiProject, launchProfileName: null);
        _ = policyFirst ? api.WithConnectionPoolPolicy().WithReplicas(3) : api.WithReplicas(3).WithConnectionPoolPolicy();

        var environment = await EnvironmentAsync(api.Resource, DistributedApplicationOperation.Run);

        Assert.Equal("3", environment[ConnectionPoolPolicyExtensions.ReplicasVariable]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheManifestAsksForTheReplicaCountDefaultingToThisRunsWhicheverCallComesFirst(bool policyFirst)
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json")]);
        var api = builder.AddProject("api", ApiProject, launchProfileName: null);
        _ = policyFirst ? api.WithConnectionPoolPolicy().WithReplicas(3) : api.WithReplicas(3).WithConnectionPoolPolicy();

        var input = builder.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "api-replicas");
        var environment = await EnvironmentAsync(api.Resource, DistributedApplicationOperation.Publish);

        Assert.Equal("{api-replicas.value}", environment[ConnectionPoolPolicyExtensions.ReplicasVariable]);
        Assert.Equal("3", await input.GetValueAsync(CancellationToken.None));
    }

    private static async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(IResource resource, DistributedApplicationOperation operation)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(operation), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
