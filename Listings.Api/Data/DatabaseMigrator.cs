using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Listings.Api.Data;

/// <summary>Migrates and seeds on the <see cref="MigrationConnection"/>, for <c>migrate</c> and a migrating start.</summary>
internal static class DatabaseMigrator
{
    /// <summary>
    /// Migrates, then seeds <paramref name="seedCount"/> listings into an empty table, with <paramref name="limits"/> for the
    /// session; returns the number seeded. Several runners or replicas at once are safe: EF Core's migration lock and the
    /// seed's advisory lock serialize them.
    /// </summary>
    public static async Task<int> MigrateAndSeedAsync(
        DbContextOptions<ListingsDbContext> options, StatementLimits? limits, int seedCount, CancellationToken cancellationToken)
    {
        await using var db = new ListingsDbContext(options);

        // MigrateAsync would create a missing database itself; the script below needs it first.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        // The connection's start-up options carry a request's limits: the migration limits replace them while this flow
        // holds the connection (Npgsql's reset on return ends them). Migrations refuse transaction poolers, so no one
        // else gets them.
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (limits is not null)
        {
            await db.Database.ExecuteSqlRawAsync(limits.ToSetSession(), cancellationToken);
        }

        // EF Core reads the history table before creating it, which PostgreSQL logs as an ERROR: create it first.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        return await ListingSeeder.SeedIfEmptyAsync(db, seedCount, cancellationToken);
    }
}
