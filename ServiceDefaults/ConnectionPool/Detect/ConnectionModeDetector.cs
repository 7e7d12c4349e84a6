namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Tells the <see cref="ConnectionMode"/> from host, port and user name together, never from the port alone.</summary>
public static class ConnectionModeDetector
{
    /// <summary>
    /// <list type="bullet">
    /// <item><c>*.pooler.supabase.com:5432</c> is the session pooler, <c>:6543</c> the transaction pooler;</item>
    /// <item><c>db.&lt;ref&gt;.supabase.co:6543</c> is the dedicated pooler (PgBouncer, always transaction mode), <c>:5432</c> direct;</item>
    /// <item>a Supavisor user name (<c>postgres.&lt;ref&gt;</c>) on another host (a custom domain or an IP of the pooler)
    /// means the pooler too, its mode by port;</item>
    /// <item>anything else is direct: set <c>ConnectionPool:Mode</c> for a self-hosted PgBouncer.</item>
    /// </list>
    /// </summary>
    public static ConnectionMode Detect(string? host, int port, string? username)
    {
        var supavisor = SupabaseEndpoints.IsPoolerHost(host)
            || (!SupabaseEndpoints.IsDirectHost(host) && SupabaseEndpoints.ProjectRefFromPoolerUser(username) is not null);

        if (supavisor)
        {
            return port == SupabaseEndpoints.TransactionPort ? ConnectionMode.TransactionPooler : ConnectionMode.SessionPooler;
        }

        if (SupabaseEndpoints.IsDirectHost(host) && port == SupabaseEndpoints.TransactionPort)
        {
            return ConnectionMode.DedicatedPooler;
        }

        return ConnectionMode.Direct;
    }
}
