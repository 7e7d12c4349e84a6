using System.Text.RegularExpressions;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// What Supabase's host names, ports and user names say about a connection. The port alone cannot tell the mode:
/// 5432 is the direct server or the session pooler, 6543 is Supavisor or the dedicated PgBouncer.
/// </summary>
public static partial class SupabaseEndpoints
{
    /// <summary>The port of direct connections and of Supavisor's session mode.</summary>
    public const int SessionPort = 5432;

    /// <summary>The port of transaction-mode pooling: Supavisor's, or the dedicated PgBouncer's.</summary>
    public const int TransactionPort = 6543;

    /// <summary>True for <c>db.&lt;ref&gt;.supabase.co</c>, the project's own server (and its dedicated PgBouncer).</summary>
    public static bool IsDirectHost(string? host) => host is not null && DirectHostRegex().IsMatch(host);

    /// <summary>True for Supavisor's shared poolers, <c>*.pooler.supabase.com</c>.</summary>
    public static bool IsPoolerHost(string? host) =>
        host is not null && host.EndsWith(".pooler.supabase.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for any Supabase host, which must be reached over TLS.</summary>
    public static bool IsSupabaseHost(string? host) => IsDirectHost(host) || IsPoolerHost(host);

    /// <summary>The project ref in <c>db.&lt;ref&gt;.supabase.co</c>, or null.</summary>
    public static string? ProjectRefFromHost(string? host) =>
        host is not null && DirectHostRegex().Match(host) is { Success: true } match ? match.Groups["ref"].Value : null;

    /// <summary>The project ref in Supavisor's user name <c>postgres.&lt;ref&gt;</c>, or null.</summary>
    public static string? ProjectRefFromPoolerUser(string? username) =>
        username is not null && PoolerUserRegex().Match(username) is { Success: true } match ? match.Groups["ref"].Value : null;

    /// <summary>The direct host of a project.</summary>
    public static string DirectHost(string projectRef) => $"db.{projectRef}.supabase.co";

    [GeneratedRegex(@"^db\.(?<ref>[a-z0-9]{20})\.supabase\.co$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DirectHostRegex();

    [GeneratedRegex(@"^(?<role>[a-z_][a-z0-9_]*)\.(?<ref>[a-z0-9]{20})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PoolerUserRegex();
}
