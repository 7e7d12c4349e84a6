using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Listings.Api.Data;

/// <summary>Applies the EF Core migrations and the seed on the <see cref="MigrationConnection"/>: what <c>migrate</c> and a migrating start share.</summary>
internal static class DatabaseMigrator
{
    /// <summary>
    /// Migrates the database <paramref name="options"/> connect to, then seeds <paramref name="seedCount"/> listings into an
    /// empty table, with <paramref name="limits"/> for its session. Safe when several runners or replicas run at once: EF
    /// Core's migration lock and the seed's advisory lock serialize them.
    /// </summary>
    /// <returns>The number of listings seeded: 0 when the table already had rows.</returns>
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

        // The connection's start-up options carry a request's limits: a long migration, the seed, or a wait for another
        // runner's migration lock gets the migration limits instead, for as long as this flow holds the connection (Npgsql's
        // reset on return ends them). Migrations refuse transaction poolers, so a session setting reaches no one else.
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (limits is not null)
        {
            await db.Database.ExecuteSqlRawAsync(limits.ToSetSession(), cancellationToken);
        }

        // EF Core reads the history table before creating it, and PostgreSQL logs that read's failure as an ERROR on a
        // first start: create it first, so a normal start leaves nothing red in the server's log.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        return await ListingSeeder.SeedIfEmptyAsync(db, seedCount, cancellationToken);
    }
}
