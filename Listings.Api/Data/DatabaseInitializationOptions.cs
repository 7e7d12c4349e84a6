namespace Listings.Api.Data;

/// <summary>Settings of the database initialization run at start-up, bound from <see cref="SectionName"/>.</summary>
public sealed class DatabaseInitializationOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "DatabaseInitialization";

    /// <summary>The largest <see cref="SeedCount"/> accepted.</summary>
    public const int MaxSeedCount = 5_000_000;

    /// <summary>
    /// Gets or sets the number of deterministic sample listings put into an empty table, 0 to <see cref="MaxSeedCount"/>.
    /// The default value is 0 (no seed).
    /// </summary>
    public int SeedCount { get; set; }

    /// <summary>The configuration key of <see cref="MigrateOnStart"/>, outside the section, as the AppHost sets it.</summary>
    public const string MigrateOnStartKey = "Database:MigrateOnStart";

    /// <summary>
    /// Gets or sets whether the service migrates and seeds at start, for deployments without a migration runner; the AppHost
    /// sets it to false and runs <c>migrate</c> first. The default value is true.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}
