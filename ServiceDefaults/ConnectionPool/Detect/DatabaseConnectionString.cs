using System.Globalization;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Reads an Npgsql keyword string or a URL (<c>postgres://</c>, <c>postgresql://</c>, SQLAlchemy's
/// <c>postgresql+driver://</c>) with percent-encoded user and password and libpq query parameters.
/// </summary>
public static class DatabaseConnectionString
{
    private static readonly Dictionary<string, SslMode> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = SslMode.Disable,
        ["allow"] = SslMode.Allow,
        ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require,
        ["verify-ca"] = SslMode.VerifyCA,
        ["verify-full"] = SslMode.VerifyFull,
        // asyncpg's spelling (?ssl=true|require) as SQLAlchemy users write it.
        ["true"] = SslMode.Require,
        ["false"] = SslMode.Disable,
    };

    // Answers ContainsKey for every keyword Npgsql knows, set or not.
    private static readonly NpgsqlConnectionStringBuilder KnownKeywords = new();

    /// <summary>Parses <paramref name="value"/>; <paramref name="source"/> names the setting in errors.</summary>
    /// <exception cref="ConnectionStringFormatException">The value cannot be read.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value, string source)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConnectionStringFormatException($"{source} is empty.");
        }

        var trimmed = value.Trim();
        return LooksLikeUrl(trimmed) ? ParseUrl(trimmed, source) : ParseKeywords(trimmed, source);
    }

    /// <summary>The connection string without its passwords.</summary>
    public static string Redact(NpgsqlConnectionStringBuilder builder)
    {
        var copy = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (!string.IsNullOrEmpty(copy.Password))
        {
            copy.Password = "***";
        }

        if (!string.IsNullOrEmpty(copy.SslPassword))
        {
            copy.SslPassword = "***";
        }

        copy.Passfile = null;
        return copy.ConnectionString;
    }

    private static bool LooksLikeUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder ParseKeywords(string value, string source)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException error) when (string.Equals(error.ParamName, "max pool size", StringComparison.OrdinalIgnoreCase))
        {
            // Npgsql's own exhaustion message says 'Max Pool Size', so users copy it; the builder rejects it.
            throw new ConnectionStringFormatException(
                $"{source} uses the keyword 'Max Pool Size', which Npgsql does not support: write 'Maximum Pool Size' (or MaxPoolSize).");
        }
        catch (ArgumentException error) when (error.ParamName is { Length: > 0 } keyword && KnownKeywords.ContainsKey(keyword))
        {
            throw new ConnectionStringFormatException($"{source} has a value for '{keyword}' that Npgsql cannot use.");
        }
        catch (ArgumentException)
        {
            // An unknown "keyword" may be the tail of a password that holds an unquoted ';': never echo it.
            throw new ConnectionStringFormatException(
                $"{source} has a keyword Npgsql does not support. Check the spelling of each keyword, and put a password"
                + " that contains ';' in double quotes (Password=\"a;b\").");
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new ConnectionStringFormatException(
                $"{source} is not a valid Npgsql connection string: expect 'Host=...;Port=...;Username=...;Password=...;Database=...'"
                + " or a postgresql:// URL.");
        }
    }

    private static NpgsqlConnectionStringBuilder ParseUrl(string value, string source)
    {
        var scheme = value[..value.IndexOf("://", StringComparison.Ordinal)];
        if (scheme.Contains('+') && !scheme.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectionStringFormatException($"{source} has the scheme '{scheme}', which is not PostgreSQL's.");
        }

        // Uri would reject SQLAlchemy's driver suffix in some forms and lowercase nothing we need: parse a plain scheme.
        // A fragment means an unencoded '#', most likely inside the password: Uri would cut the URL there and read
        // part of the password as the host or port.
        if (!Uri.TryCreate("postgresql" + value[scheme.Length..], UriKind.Absolute, out var uri)
            || string.IsNullOrEmpty(uri.Host)
            || uri.Fragment.Length > 0
            || value.Contains('#', StringComparison.Ordinal))
        {
            throw new ConnectionStringFormatException(
                $"{source} is not a valid URL: expect postgresql://user:password@host:port/database, and percent-encode"
                + " special characters in the user name and password (@ as %40, : as %3A, / as %2F, # as %23).");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
        };

        var userInfo = uri.UserInfo;
        if (userInfo.Length > 0)
        {
            var separator = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(separator < 0 ? userInfo : userInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(separator + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var (name, parameterValue) in QueryParameters(uri.Query))
        {
            ApplyQueryParameter(builder, name, parameterValue, source);
        }

        return builder;
    }

    private static IEnumerable<(string Name, string Value)> QueryParameters(string query) =>
        query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty));

    private static void ApplyQueryParameter(NpgsqlConnectionStringBuilder builder, string name, string value, string source)
    {
        switch (name.ToLowerInvariant())
        {
            case "sslmode" or "ssl":
                builder.SslMode = SslModes.TryGetValue(value, out var sslMode)
                    ? sslMode
                    : throw new ConnectionStringFormatException(
                        $"{source} has {name}={value}: use disable, allow, prefer, require, verify-ca or verify-full.");
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            case "connect_timeout":
                builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 1024
                    ? seconds
                    : throw new ConnectionStringFormatException($"{source} has connect_timeout={value}: use whole seconds from 1 to 1024.");
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "target_session_attrs":
                builder.TargetSessionAttributes = value;
                break;
            case "options":
                builder.Options = value;
                break;
            case "max pool size":
                throw new ConnectionStringFormatException(
                    $"{source} uses the parameter 'Max Pool Size', which Npgsql does not support: write 'Maximum Pool Size' (or MaxPoolSize).");
            default:
                // An Npgsql keyword given as a query parameter (?Maximum Pool Size=10) is taken as written.
                try
                {
                    builder[name] = value;
                }
                catch (Exception error) when (error is ArgumentException or FormatException or InvalidCastException or OverflowException)
                {
                    throw new ConnectionStringFormatException(
                        $"{source} has the query parameter '{name}', which neither libpq nor Npgsql knows, or whose value does not fit it.");
                }

                break;
        }
    }
}
