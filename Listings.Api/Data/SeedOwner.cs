namespace Listings.Api.Data;

/// <summary>
/// The owner of the seed's listings and the <c>ListingOwners</c> migration's default: a fixed user id that no Supabase
/// user has (Supabase ids are random version-4 UUIDs).
/// </summary>
public static class SeedOwner
{
    /// <summary>The seed owner's id, <c>00000000-0000-0000-0000-000000000001</c>.</summary>
    public static readonly Guid Id = new("00000000-0000-0000-0000-000000000001");
}
