namespace Listings.Api.Listings;

/// <summary>
/// What a create, update or delete did; the subtypes below are the only ones. A handler answers <see cref="Written"/> and
/// <see cref="Deleted"/> itself and hands a refusal to <see cref="ListingProblems.For"/>.
/// </summary>
public abstract record ListingWrite
{
    private ListingWrite()
    {
    }

    /// <summary>The listing was created or replaced.</summary>
    /// <param name="Listing">The listing as written.</param>
    /// <param name="Evicts">What the write made stale in the public reads' cache.</param>
    public sealed record Written(ListingResponse Listing, Caching.CacheEviction Evicts) : ListingWrite;

    /// <summary>The listing was deleted, or a retry found it gone after the try that deleted it.</summary>
    public sealed record Deleted : ListingWrite;

    /// <summary>Nothing written: there is no listing with this id.</summary>
    /// <param name="Id">The id asked for.</param>
    public sealed record NotFound(long Id) : ListingWrite;

    /// <summary>Nothing written: the listing belongs to another user.</summary>
    /// <param name="Id">The id asked for.</param>
    public sealed record NotOwner(long Id) : ListingWrite;
}
