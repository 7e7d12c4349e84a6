namespace Listings.Tests.Unit.ConnectionPool;

/// <summary>Connection strings of one made-up Supabase project, shared by the connection-pool tests.</summary>
internal static class SupabaseConnections
{
    public const string ProjectRef = "abcdefghijklmnopqrst";
    public const string Password = "Sup3rS3cretPw";
    public const string DirectHost = "db." + ProjectRef + ".supabase.co";
    public const string PoolerHost = "aws-0-eu-west-1.pooler.supabase.com";
    public const string PoolerUser = "postgres." + ProjectRef;
    public const string Source = "ConnectionStrings:listingsdb";

    /// <summary>
    /// The keyword Npgsql rejects although its own exhaustion message uses it. Only the negative tests that prove the
    /// service refuses it (with the spelling that works) write it, through this one constant.
    /// </summary>
    public const string RejectedMaxPoolSizeKeyword = "Max Pool Size";

    public const string Direct = $"Host={DirectHost};Port=5432;Username=postgres;Password={Password};Database=postgres";
    public const string DedicatedPgBouncer = $"Host={DirectHost};Port=6543;Username=postgres;Password={Password};Database=postgres";
    public const string SessionPooler = $"Host={PoolerHost};Port=5432;Username={PoolerUser};Password={Password};Database=postgres";
    public const string TransactionPooler = $"Host={PoolerHost};Port=6543;Username={PoolerUser};Password={Password};Database=postgres";
    public const string Local = $"Host=localhost;Port=5432;Username=postgres;Password={Password};Database=listings";
}
