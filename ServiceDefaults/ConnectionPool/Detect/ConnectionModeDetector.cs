namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Tells the <see cref="ConnectionMode"/> from host, port and user name together, never from the port alone.</summary>
public static class ConnectionModeDetector
{
    /// <summary>
    /// Supabase's hosts and ports as the pool README's policy table lists them. A Supavisor user name
    /// (<c>postgres.&lt;ref&gt;</c>) on another host (a custom domain, an IP of the pooler) means the pooler too.
    /// Anything else is direct: a self-hosted PgBouncer needs <c>ConnectionPool:Mode</c>.
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
