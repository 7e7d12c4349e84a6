using System.ComponentModel.DataAnnotations;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The pause after the server or pooler refused the login: no connection is tried meanwhile (Supavisor bans a client
/// address after repeated failed logins), and each further refusal doubles it. Bound from the <c>ConnectionPool</c> section.
/// </summary>
public sealed class LoginBackoffOptions
{
    /// <summary>The first pause, in seconds. The default value is 5.</summary>
    [Range(1, 3_600)]
    public int LoginBackoffSeconds { get; set; } = 5;

    /// <summary>The longest pause, in seconds. The default value is 60.</summary>
    [Range(1, 3_600)]
    public int LoginBackoffMaxSeconds { get; set; } = 60;
}
