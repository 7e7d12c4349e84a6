namespace Listings.Api.Listings;

/// <summary>
/// What a create, update or delete came to: the subtypes below are the only ones (the constructor is private).
/// A handler answers <see cref="Written"/> and <see cref="Deleted"/> itself and hands every other case to
/// <see cref="ListingProblems.For"/>.
/// </summary>
public abstract record ListingWrite
{
    private ListingWrite()
    {
    }

    /// <summary>The listing was created or replaced; the answer carries it.</summary>
    /// <param name="Listing">The listing as written.</param>
    public record Written(ListingResponse Listing) : ListingWrite;

    /// <summary>
    /// A repeat of a request with the same <c>Idempotency-Key</c>: written once, by the first request, whose answer
    /// this repeats. A <see cref="Written"/> to the handler; only the <c>Idempotent-Replayed</c> header differs.
    /// </summary>
    /// <param name="Listing">The listing the first answer carried.</param>
    public sealed record Replayed(ListingResponse Listing) : Written(Listing);

    /// <summary>The listing was deleted, or was found gone by a retry after the try that deleted it.</summary>
    public sealed record Deleted : ListingWrite;

    /// <summary>Nothing written: there is no listing with this id.</summary>
    /// <param name="Id">The id asked for.</param>
    public sealed record NotFound(long Id) : ListingWrite;

    /// <summary>Nothing written: the listing belongs to another user.</summary>
    /// <param name="Id">The id asked for.</param>
    public sealed record NotOwner(long Id) : ListingWrite;

    /// <summary>Nothing written: the <c>Idempotency-Key</c> was used before for a different request.</summary>
    public sealed record KeyConflict : ListingWrite;
}
