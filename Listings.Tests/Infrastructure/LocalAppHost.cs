namespace Listings.Tests.Infrastructure;

/// <summary>The AppHost in local mode on a data folder of a test's own, with <see cref="TestAuth.Secret"/> as its JWT secret.</summary>
public static class LocalAppHost
{
    /// <summary>Builds (does not start) the app; <paramref name="arguments"/> add to or override the local-mode settings.</summary>
    public static Task<DistributedApplication> BuildAsync(
        string dataDirectory, int seedCount, CancellationToken cancellationToken, params string[] arguments) =>
        BuildAsync(dataDirectory, seedCount, _ => { }, cancellationToken, arguments);

    /// <summary>Builds (does not start) the app after <paramref name="configure"/> has adjusted the builder, e.g. its logging.</summary>
    public static async Task<DistributedApplication> BuildAsync(
        string dataDirectory, int seedCount, Action<IDistributedApplicationTestingBuilder> configure, CancellationToken cancellationToken, params string[] arguments)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "--Database:Mode=local",
                $"--Database:Local:DataDirectory={dataDirectory}",
                $"--Seed:Count={seedCount}",
                $"--{Listings.AppHost.JwtSecretParameter.ConfigurationKey}={TestAuth.Secret}",
                .. arguments,
            ],
            cancellationToken);
        configure(builder);
        return await builder.BuildAsync(cancellationToken);
    }
}
