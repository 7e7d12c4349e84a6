using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class ConnectionModeDetectorTests
{
    private const string Ref = SupabaseConnections.ProjectRef;

    [Theory]
    // host, port, user => mode
    [InlineData("db." + Ref + ".supabase.co", 5432, "postgres", ConnectionMode.Direct)]
    [InlineData("db." + Ref + ".supabase.co", 6543, "postgres", ConnectionMode.DedicatedPooler)]
    [InlineData("aws-0-eu-west-1.pooler.supabase.com", 5432, "postgres." + Ref, ConnectionMode.SessionPooler)]
    [InlineData("aws-0-eu-west-1.pooler.supabase.com", 6543, "postgres." + Ref, ConnectionMode.TransactionPooler)]
    [InlineData("aws-1-us-east-1.pooler.supabase.com", 5432, "postgres." + Ref, ConnectionMode.SessionPooler)]
    [InlineData("aws-1-us-east-1.pooler.supabase.com", 6543, "postgres." + Ref, ConnectionMode.TransactionPooler)]
    [InlineData("52.59.152.35", 5432, "postgres." + Ref, ConnectionMode.SessionPooler)]
    [InlineData("52.59.152.35", 6543, "postgres." + Ref, ConnectionMode.TransactionPooler)]
    [InlineData("pg.example.com", 6543, "postgres." + Ref, ConnectionMode.TransactionPooler)]
    [InlineData("localhost", 5432, "postgres", ConnectionMode.Direct)]
    [InlineData("localhost", 6543, "postgres", ConnectionMode.Direct)]
    [InlineData("10.0.0.5", 6543, "app_user", ConnectionMode.Direct)]
    public void ModeComesFromHostPortAndUserTogetherNeverFromThePortAlone(string host, int port, string user, ConnectionMode expected) =>
        Assert.Equal(expected, ConnectionModeDetector.Detect(host, port, user));

    [Theory]
    [InlineData("DB." + "ABCDEFGHIJKLMNOPQRST" + ".SUPABASE.CO", 6543, "postgres", ConnectionMode.DedicatedPooler)]
    [InlineData("AWS-0-EU-WEST-1.POOLER.SUPABASE.COM", 5432, "postgres." + Ref, ConnectionMode.SessionPooler)]
    [InlineData("Aws-0-Eu-West-1.Pooler.Supabase.Com", 6543, "POSTGRES." + Ref, ConnectionMode.TransactionPooler)]
    public void HostsAndUserNamesAreMatchedCaseInsensitively(string host, int port, string user, ConnectionMode expected) =>
        Assert.Equal(expected, ConnectionModeDetector.Detect(host, port, user));

    [Fact]
    public void TheDirectHostOnTheTransactionPortIsSupabasesDedicatedPooler()
    {
        var mode = ConnectionModeDetector.Detect(SupabaseConnections.DirectHost, SupabaseEndpoints.TransactionPort, "postgres");

        Assert.Equal(ConnectionMode.DedicatedPooler, mode);
        Assert.Equal("dedicated-pooler", mode.ToName());
        Assert.True(mode.IsTransactionPooling());
        Assert.True(ConnectionModeNames.TryParse("Dedicated-Pooler", out var parsed) && parsed == ConnectionMode.DedicatedPooler);
    }

    [Fact]
    public void APoolerStyleUserNameOnTheDirectHostStaysDirect() =>
        Assert.Equal(ConnectionMode.Direct, ConnectionModeDetector.Detect(SupabaseConnections.DirectHost, 5432, SupabaseConnections.PoolerUser));

    [Theory]
    [InlineData(null, 5432, null)]
    [InlineData("", 6543, "")]
    public void MissingHostAndUserAreDirect(string? host, int port, string? user) =>
        Assert.Equal(ConnectionMode.Direct, ConnectionModeDetector.Detect(host, port, user));

    [Theory]
    // a ref must be exactly 20 letters or digits
    [InlineData("db." + Ref + ".supabase.co", Ref)]
    [InlineData("db.abcdefghijklmnopqrs.supabase.co", null)]
    [InlineData("db." + Ref + ".supabase.co.evil.com", null)]
    [InlineData("aws-0-eu-west-1.pooler.supabase.com", null)]
    [InlineData(null, null)]
    public void TheProjectRefIsReadFromTheDirectHostOnly(string? host, string? expected) =>
        Assert.Equal(expected, SupabaseEndpoints.ProjectRefFromHost(host));

    [Theory]
    [InlineData("postgres." + Ref, Ref)]
    [InlineData("authenticator." + Ref, Ref)]
    [InlineData("postgres", null)]
    [InlineData("postgres.short", null)]
    [InlineData(null, null)]
    public void TheProjectRefIsReadFromSupavisorUserNames(string? user, string? expected) =>
        Assert.Equal(expected, SupabaseEndpoints.ProjectRefFromPoolerUser(user));

    [Theory]
    [InlineData("db." + Ref + ".supabase.co", true)]
    [InlineData("aws-0-ap-southeast-1.pooler.supabase.com", true)]
    [InlineData("supabase.com", false)]
    [InlineData("localhost", false)]
    [InlineData(null, false)]
    public void OnlyTheDirectAndPoolerHostsAreSupabaseHosts(string? host, bool expected) =>
        Assert.Equal(expected, SupabaseEndpoints.IsSupabaseHost(host));
}
