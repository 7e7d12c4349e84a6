namespace Listings.Tests.Infrastructure;

/// <summary>The AppHost in local mode on a data folder of a test's own, with <see cref="TestAuth.Secret"/> as its JWT secret.</summary>
public static class LocalAppHost
{
    /// <summary>Builds (does not start) the app; <paramref name="arguments"/> add to or override the local-mode settings.</summary>
    public static async Task<DistributedApplication> BuildAsync(
        string dataDirectory, int seedCount, CancellationToken cancellationToken, params string[] arguments)
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
        return await builder.BuildAsync(cancellationToken);
    }
}
