using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>Fills an empty <c>listings</c> table with deterministic sample data.</summary>
internal static class ListingSeeder
{
    // "Listings" in ASCII: a key no other code takes.
    private const long SeedLockKey = 0x4C697374696E6773;

    // Millions of rows and their indexes outlast the default 30-second command timeout.
    private static readonly TimeSpan SeedCommandTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Inserts <paramref name="count"/> listings into an empty table under an advisory lock, so replicas starting together
    /// seed once; returns the number inserted. Every value derives from the row's index, so a count always yields the same
    /// rows, all owned by <see cref="SeedOwner"/>.
    /// </summary>
    public static async Task<int> SeedIfEmptyAsync(ListingsDbContext db, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return 0;
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async cancellationToken =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", cancellationToken);

            if (await db.Listings.AnyAsync(cancellationToken))
            {
                return 0;
            }

            db.Database.SetCommandTimeout(SeedCommandTimeout);
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO listings
                    (owner_id, title, description, city, price, currency, bedrooms, bathrooms, surface_square_meters, created_at, updated_at)
                SELECT
                    {SeedOwner.Id},
                    format('%s-bedroom home in %s', v.bedrooms, v.city),
                    format('Sample listing #%s, generated for development and load tests.', v.i),
                    v.city,
                    round((50000 + (v.i * 7919) % 99950000) / 100.0, 2),
                    'EUR',
                    v.bedrooms,
                    1 + v.bedrooms / 3,
                    round(15 + (v.i * 104729) % 28500 / 100.0, 2),
                    v.created_at,
                    v.created_at
                FROM (
                    SELECT
                        s.i,
                        (ARRAY['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nice', 'Nantes', 'Strasbourg',
                               'Montpellier', 'Bordeaux', 'Lille', 'Rennes', 'Grenoble'])[1 + s.i % 12] AS city,
                        ((s.i * 7) % 6)::integer AS bedrooms,
                        timestamptz '2025-01-01 00:00:00+00' - s.i * interval '1 minute' AS created_at
                    FROM generate_series(1::bigint, {(long)count}) AS s(i)
                ) AS v
                """,
                cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            return inserted;
        }, cancellationToken);
    }
}
