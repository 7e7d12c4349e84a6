using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The connection as configured: its source, its mode, and a connection string with what any connection to it needs
/// (TLS on Supabase, GSS off where it cannot work, <c>Application Name</c>), before any pool setting.
/// </summary>
public sealed class ConnectionTarget
{
    private readonly string _connectionString;

    private ConnectionTarget(NpgsqlConnectionStringBuilder builder, string source, ConnectionMode mode, bool modeConfigured, HashSet<string> written)
    {
        _connectionString = builder.ConnectionString;
        Source = source;
        Mode = mode;
        ModeConfigured = modeConfigured;
        Written = written;
        Host = builder.Host;
        Port = builder.Port;
        Database = builder.Database;
        Username = builder.Username;
        Password = builder.Password;
        SslMode = builder.SslMode;
        GssEncryptionMode = builder.GssEncryptionMode;
        ApplicationName = builder.ApplicationName;
    }

    /// <summary>The setting the connection came from.</summary>
    public string Source { get; }

    /// <summary>The connection mode.</summary>
    public ConnectionMode Mode { get; }

    /// <summary>True when <c>ConnectionPool:Mode</c> set the mode.</summary>
    public bool ModeConfigured { get; }

    /// <summary>The server or pooler host.</summary>
    public string? Host { get; }

    /// <summary>The server or pooler port.</summary>
    public int Port { get; }

    /// <summary>The database name.</summary>
    public string? Database { get; }

    /// <summary>The user name.</summary>
    public string? Username { get; }

    /// <summary>The TLS mode.</summary>
    public SslMode SslMode { get; }

    /// <summary><c>GSS Encryption Mode</c>.</summary>
    public GssEncryptionMode GssEncryptionMode { get; }

    /// <summary><c>Application Name</c>.</summary>
    public string? ApplicationName { get; }

    /// <summary>The connection before and after <c>ConnectionPool:PreferredMode</c> rewrote it (passwords redacted), if it did.</summary>
    public string? Rewrite { get; private init; }

    /// <summary>What changed on the way that a person should know (a mode switch, TLS raised).</summary>
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>The keywords the configured string set: these win over the policy.</summary>
    public IReadOnlySet<string> Written { get; }

    /// <summary>For cutting the password out of any text that might echo it; never print it.</summary>
    internal string? Password { get; }

    /// <summary>A builder over the connection, password included.</summary>
    public NpgsqlConnectionStringBuilder CreateBuilder() => new(_connectionString);

    /// <summary>
    /// Reads the configured connection; false, with the reason and its fix in <paramref name="error"/>, when there is
    /// none, it cannot be read, or <paramref name="preferredMode"/> cannot switch it. A null
    /// <paramref name="kerberosConfigured"/> looks (<see cref="KerberosConfiguration.IsPresent"/>).
    /// </summary>
    public static bool TryRead(
        string? connectionString, string source, string? mode, string preferredMode, string? applicationName, bool? kerberosConfigured,
        out ConnectionTarget? target, out string? error)
    {
        target = null;
        error = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = $"No database connection is configured: set {source} (an Npgsql connection string or a postgresql:// URL).";
            return false;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = DatabaseConnectionString.Parse(connectionString, source);
        }
        catch (ConnectionStringFormatException formatError)
        {
            error = formatError.Message;
            return false;
        }

        var written = builder.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var warnings = new List<string>();
        var modeConfigured = ConnectionModeNames.TryParse(mode, out var configuredMode);
        var detected = modeConfigured ? configuredMode : ConnectionModeDetector.Detect(builder.Host, builder.Port, builder.Username);

        var before = DatabaseConnectionString.Redact(builder);
        string? rewrite = null;
        try
        {
            if (SupabaseModeSwitch.Apply(builder, preferredMode, detected) is { } note)
            {
                warnings.Add(note);
                rewrite = $"{before} => {DatabaseConnectionString.Redact(builder)}";
                detected = modeConfigured ? detected : ConnectionModeDetector.Detect(builder.Host, builder.Port, builder.Username);
            }
        }
        catch (InvalidOperationException switchError)
        {
            error = switchError.Message;
            return false;
        }

        // Supabase does not enforce TLS by default; Npgsql's default (Prefer) would fall back to plain text.
        if (SupabaseEndpoints.IsSupabaseHost(builder.Host) && builder.SslMode < SslMode.Require)
        {
            if (written.Contains("SSL Mode"))
            {
                warnings.Add($"SSL Mode={builder.SslMode} was raised to Require: Supabase connections carry the password and the data over the internet.");
            }

            builder.SslMode = SslMode.Require;
        }

        // Npgsql 10 tries GSS first: a round trip per connect, exception storms without GSS libraries (npgsql#6416), a
        // failure behind Supavisor at high latency (npgsql#6415). Nothing to gain without Kerberos or through a pooler.
        if (!written.Contains("GSS Encryption Mode")
            && (SupabaseEndpoints.IsSupabaseHost(builder.Host) || detected != ConnectionMode.Direct || !(kerberosConfigured ?? KerberosConfiguration.IsPresent())))
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        if (!written.Contains("Application Name") && !string.IsNullOrEmpty(applicationName))
        {
            builder.ApplicationName = applicationName;
        }

        target = new ConnectionTarget(builder, source, detected, modeConfigured, written) { Rewrite = rewrite, Warnings = warnings };
        return true;
    }
}
