using Listings.Api.Caching;
using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>The writes the listings endpoints run, each answering with a <see cref="ListingWrite"/>.</summary>
public sealed partial class ListingsDbContext
{
    /// <summary>Creates a listing owned by <paramref name="owner"/>, the token's user, and saves it.</summary>
    public async Task<ListingWrite> AddListingAsync(
        Guid owner, ListingRequest request, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = Now(clock);
        var listing = new Listing { OwnerId = owner, CreatedAt = now };
        request.ApplyTo(listing, now);
        Listings.Add(listing);
        await SaveChangesAsync(cancellationToken);
        var evicts = CacheEviction.CreatedOrDeleted(listing.Id);
        await NotifyCachesAsync(evicts, clock, cancellationToken);
        return new ListingWrite.Written(ListingResponse.From(listing), evicts);
    }

    /// <summary>Replaces every member of listing <paramref name="id"/> when <paramref name="owner"/> owns it.</summary>
    public async Task<ListingWrite> ReplaceListingAsync(
        long id, Guid owner, ListingRequest request, TimeProvider clock, CancellationToken cancellationToken)
    {
        var listing = await Listings.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (listing is null)
        {
            return new ListingWrite.NotFound(id);
        }

        if (listing.OwnerId != owner)
        {
            return new ListingWrite.NotOwner(id);
        }

        var (city, price) = (listing.City, listing.Price);
        request.ApplyTo(listing, Now(clock));
        await SaveChangesAsync(cancellationToken);
        var evicts = CacheEviction.Updated(id, filtersChanged: listing.City != city || listing.Price != price);
        await NotifyCachesAsync(evicts, clock, cancellationToken);
        return new ListingWrite.Written(ListingResponse.From(listing), evicts);
    }

    /// <summary>Deletes listing <paramref name="id"/> when <paramref name="owner"/> owns it.</summary>
    public async Task<ListingWrite> DeleteListingAsync(long id, Guid owner, TimeProvider clock, CancellationToken cancellationToken)
    {
        var tries = 0;
        var deleted = await Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            tries++;
            // In a transaction of its own, as every write: with row-level security on, it runs as the token's user.
            await using var transaction = await Database.BeginTransactionAsync(token);
            try
            {
                var count = await Listings.Where(l => l.Id == id && l.OwnerId == owner).ExecuteDeleteAsync(token);
                if (count > 0)
                {
                    await NotifyCachesAsync(CacheEviction.CreatedOrDeleted(id), clock, token);
                }

                await transaction.CommitAsync(token);
                return count;
            }
            catch (InvalidOperationException error) when (DatabaseConnectionLostException.Explains(this))
            {
                // Decided before the transaction is disposed: see DatabaseConnectionLostException.
                throw new DatabaseConnectionLostException(error);
            }
        }, cancellationToken);

        if (deleted == 0)
        {
            // Nothing of this user's had that id: either another user's listing has it, or nothing does.
            if (await Listings.AnyAsync(l => l.Id == id, cancellationToken))
            {
                return new ListingWrite.NotOwner(id);
            }

            // Gone after a retry: the try whose answer was lost (a connection broken as it committed) deleted it. A 404
            // would tell the client its delete failed.
            if (tries == 1)
            {
                return new ListingWrite.NotFound(id);
            }
        }

        return new ListingWrite.Deleted();
    }

    // In the write's transaction (the idempotent writer's, or the delete's): delivered at commit, dropped on rollback.
    private Task NotifyCachesAsync(CacheEviction evicts, TimeProvider clock, CancellationToken cancellationToken) =>
        Database.ExecuteSqlAsync($"SELECT pg_notify({CacheNotifications.Channel}, {CacheNotifications.Payload(evicts, clock.GetUtcNow())})", cancellationToken);

    // timestamptz keeps microseconds: truncated here, a write returns the timestamps a later read returns.
    private static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
