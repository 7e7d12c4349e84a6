namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// A connection string or URL that cannot be read. The message says what is wrong and never carries the
/// string itself, which holds the password.
/// </summary>
public sealed class ConnectionStringFormatException(string message) : FormatException(message);
