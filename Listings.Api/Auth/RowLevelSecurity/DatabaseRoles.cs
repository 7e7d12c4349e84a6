namespace Listings.Api.Auth.RowLevelSecurity;

/// <summary>
/// The two roles the API takes on with row-level security on, Supabase's own: created by the migration
/// <c>RowLevelSecurity</c> where they do not exist, and granted to the login. No token chooses a role: the API does.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>The role every read runs as: the policies' "anyone".</summary>
    public const string Anonymous = "anon";

    /// <summary>The role every write runs as, with the token's claims: the policies' signed-in user.</summary>
    public const string Authenticated = "authenticated";
}
