namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Whether GSS (Kerberos) can work on this machine at all: without a Kerberos configuration it never can.</summary>
public static class KerberosConfiguration
{
    private const string DefaultPath = "/etc/krb5.conf";

    /// <summary>True when <c>KRB5_CONFIG</c> or <c>/etc/krb5.conf</c> names an existing file, or on Windows (SSPI needs none).</summary>
    public static bool IsPresent() =>
        OperatingSystem.IsWindows()
        || Environment.GetEnvironmentVariable("KRB5_CONFIG") is { Length: > 0 } configured && configured.Split(':').Any(File.Exists)
        || File.Exists(DefaultPath);
}
