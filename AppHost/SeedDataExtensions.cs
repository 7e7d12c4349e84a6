namespace Listings.AppHost;

/// <summary>Fills a freshly created local database with demo listings, so the first run has something to show.</summary>
public static class SeedDataExtensions
{
    /// <summary>The AppHost configuration key for the number of demo listings.</summary>
    public const string SeedCountKey = "Seed:Count";

    /// <summary>The number of demo listings when <see cref="SeedCountKey"/> is not set.</summary>
    public const string DefaultSeedCount = "1000";

    /// <summary>
    /// In run mode, has the API seed <c>Seed:Count</c> demo listings (default 1000) into an empty database; a deployment
    /// starts with its own data.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSeedData(this IResourceBuilder<ProjectResource> api)
    {
        if (api.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            api.WithEnvironment("DatabaseInitialization__SeedCount", api.ApplicationBuilder.Configuration[SeedCountKey] ?? DefaultSeedCount);
        }

        return api;
    }
}
