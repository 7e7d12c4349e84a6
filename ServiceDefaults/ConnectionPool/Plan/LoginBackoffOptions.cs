using System.ComponentModel.DataAnnotations;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The pause after a refused login (see <see cref="LoginBackoff"/>).</summary>
public sealed class LoginBackoffOptions
{
    /// <summary>The first pause, in seconds. The default value is 5.</summary>
    [Range(1, 3_600)]
    public int LoginBackoffSeconds { get; set; } = 5;

    /// <summary>The longest pause, in seconds. The default value is 60.</summary>
    [Range(1, 3_600)]
    public int LoginBackoffMaxSeconds { get; set; } = 60;
}
