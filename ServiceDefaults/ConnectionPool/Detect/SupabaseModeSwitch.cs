using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Rewrites a Supabase connection to <c>ConnectionPool:PreferredMode</c>. The port alone is not enough: 5432 on the
/// pooler host is the session pooler, not a direct connection, so host, port and user name change together.
/// </summary>
public static class SupabaseModeSwitch
{
    /// <summary>Keep the connection as configured.</summary>
    public const string Keep = "keep";

    /// <summary>Switches <paramref name="builder"/> in place; null when nothing changed, else an explanation.</summary>
    /// <exception cref="InvalidOperationException">The connection is not Supabase's, or lacks what the switch needs.</exception>
    public static string? Apply(NpgsqlConnectionStringBuilder builder, string preferredMode, ConnectionMode currentMode)
    {
        if (string.Equals(preferredMode, Keep, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!SupabaseEndpoints.IsSupabaseHost(builder.Host))
        {
            throw new InvalidOperationException(
                $"ConnectionPool:PreferredMode is '{preferredMode}', but '{builder.Host}' is not a Supabase host:"
                + " write the connection you want, or set ConnectionPool:PreferredMode to keep.");
        }

        ConnectionModeNames.TryParse(preferredMode, out var target);
        if (target == currentMode)
        {
            return null;
        }

        if (target == ConnectionMode.SessionPooler)
        {
            if (!SupabaseEndpoints.IsPoolerHost(builder.Host))
            {
                // The pooler host names the project's region, which the direct host does not reveal.
                throw new InvalidOperationException(
                    "ConnectionPool:PreferredMode is 'session-pooler', but the connection is not to Supavisor and the pooler's"
                    + " host (aws-0-<region>.pooler.supabase.com) cannot be derived from it: copy the session pooler string"
                    + " from the Supabase dashboard (Connect > Session pooler) instead.");
            }

            builder.Port = SupabaseEndpoints.SessionPort;
            return "Switched to Supavisor's session mode (port 5432). It admits at most its pool size in clients (15 on Nano to Medium).";
        }

        var projectRef = SupabaseEndpoints.ProjectRefFromHost(builder.Host) ?? SupabaseEndpoints.ProjectRefFromPoolerUser(builder.Username);
        if (projectRef is null)
        {
            throw new InvalidOperationException(
                "ConnectionPool:PreferredMode is 'direct', but the project ref cannot be found in the host or in a user name"
                + " of the form postgres.<project-ref>: copy the direct connection string from the Supabase dashboard instead.");
        }

        builder.Host = SupabaseEndpoints.DirectHost(projectRef);
        builder.Port = SupabaseEndpoints.SessionPort;
        if (SupabaseEndpoints.ProjectRefFromPoolerUser(builder.Username) is not null)
        {
            // Supavisor needs the ref in the user name to route; the server itself knows only the role.
            builder.Username = builder.Username![..builder.Username!.IndexOf('.', StringComparison.Ordinal)];
        }

        return "Switched to a direct connection. On Supabase plans without the IPv4 add-on the direct host is reachable over IPv6 only.";
    }
}
