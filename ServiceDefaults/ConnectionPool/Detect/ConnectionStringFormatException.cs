namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>A connection string or URL that cannot be read; the message never carries the string, which holds the password.</summary>
public sealed class ConnectionStringFormatException(string message) : FormatException(message);
