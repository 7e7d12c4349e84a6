using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class DatabaseConnectionStringTests
{
    private const string Source = "DATABASE_URL";

    [Theory]
    [InlineData("postgres://")]
    [InlineData("postgresql://")]
    [InlineData("postgresql+asyncpg://")]
    [InlineData("postgresql+psycopg://")]
    [InlineData("PostgreSQL://")]
    public void UrlSchemesOfLibpqAndSqlAlchemyAreReadWithPercentDecodedCredentials(string scheme)
    {
        var builder = DatabaseConnectionString.Parse($"{scheme}app%2Buser:p%40ss%3Aword@db.example.com:6432/listings", Source);

        Assert.Equal("db.example.com", builder.Host);
        Assert.Equal(6432, builder.Port);
        Assert.Equal("app+user", builder.Username);
        Assert.Equal("p@ss:word", builder.Password);
        Assert.Equal("listings", builder.Database);
    }

    [Fact]
    public void AUrlWithoutAPortUsesPostgresDefaultPort()
    {
        var builder = DatabaseConnectionString.Parse("postgresql://postgres:pw@db.example.com/listings", Source);

        Assert.Equal(5432, builder.Port);
    }

    [Fact]
    public void AnIpv6HostIsReadWithoutItsBrackets()
    {
        var builder = DatabaseConnectionString.Parse("postgresql://postgres:pw@[::1]:5433/listings", Source);

        Assert.Equal("::1", builder.Host);
        Assert.Equal(5433, builder.Port);
    }

    [Fact]
    public void AUrlWithoutPasswordOrDatabaseLeavesThemUnset()
    {
        var builder = DatabaseConnectionString.Parse("postgresql://postgres@localhost", Source);

        Assert.Equal("postgres", builder.Username);
        Assert.Null(builder.Password);
        Assert.Null(builder.Database);
    }

    [Theory]
    [InlineData("sslmode=require", SslMode.Require)]
    [InlineData("sslmode=verify-full", SslMode.VerifyFull)]
    [InlineData("sslmode=verify-ca", SslMode.VerifyCA)]
    [InlineData("sslmode=disable", SslMode.Disable)]
    [InlineData("sslmode=PREFER", SslMode.Prefer)]
    [InlineData("ssl=true", SslMode.Require)]
    [InlineData("ssl=require", SslMode.Require)]
    [InlineData("ssl=false", SslMode.Disable)]
    public void SslQueryParametersOfLibpqAndAsyncpgBecomeNpgsqlSslModes(string query, SslMode expected)
    {
        var builder = DatabaseConnectionString.Parse($"postgresql://u:pw@db.example.com/app?{query}", Source);

        Assert.Equal(expected, builder.SslMode);
    }

    [Fact]
    public void AnUnknownSslModeIsRefusedListingTheValidOnes()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse("postgresql://u:pw@db.example.com/app?sslmode=always", Source));

        Assert.Contains("DATABASE_URL has sslmode=always", error.Message);
        Assert.Contains("verify-full", error.Message);
    }

    [Fact]
    public void ConnectTimeoutApplicationNameAndNpgsqlKeywordsAreReadFromTheQuery()
    {
        var builder = DatabaseConnectionString.Parse(
            "postgresql://u:pw@db.example.com/app?connect_timeout=12&application_name=listings+api&Maximum%20Pool%20Size=7", Source);

        Assert.Equal(12, builder.Timeout);
        Assert.Equal("listings api", builder.ApplicationName);
        Assert.Equal(7, builder.MaxPoolSize);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1025")]
    [InlineData("ten")]
    public void AConnectTimeoutOutsideNpgsqlRangeIsRefused(string value)
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse($"postgresql://u:pw@db.example.com/app?connect_timeout={value}", Source));

        Assert.Contains($"connect_timeout={value}", error.Message);
        Assert.Contains("1 to 1024", error.Message);
    }

    [Fact]
    public void AnUnknownQueryParameterIsRefusedNamingItButNotThePassword()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse("postgresql://u:Sup3rS3cretPw@db.example.com/app?pool_pre_ping=true", Source));

        Assert.Contains("DATABASE_URL", error.Message);
        Assert.Contains("'pool_pre_ping'", error.Message);
        Assert.DoesNotContain("Sup3rS3cretPw", error.Message);
    }

    [Theory]
    [InlineData("postgresql://user:Sup3rS3cretPw@")]
    [InlineData("postgresql://user:p@ss@")]
    [InlineData("postgresql://:5432")]
    [InlineData("postgresql://user:Sup3rS3cretPw@:5432/db")]
    [InlineData("postgresql://user:Sup3rS3cretPw@host:notaport/db")]
    [InlineData("postgres://user:Sup3rS3cretPw@host with space/db")]
    public void AMalformedUrlIsRefusedNamingTheSourceButNotThePassword(string url)
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() => DatabaseConnectionString.Parse(url, Source));

        Assert.Contains("DATABASE_URL is not a valid URL", error.Message);
        Assert.Contains("percent-encode", error.Message);
        Assert.DoesNotContain("Sup3rS3cretPw", error.Message);
        Assert.DoesNotContain("p@ss", error.Message);
    }

    [Theory]
    // '#' starts a URL fragment: Uri takes "postgres:2024" for host and port and drops the rest as the fragment.
    [InlineData("postgresql://postgres:2024#Summer@db.example.com:5432/postgres")]
    [InlineData("postgresql://postgres:#Summer2024@db.example.com:5432/postgres")]
    public void AnUnencodedHashInThePasswordIsRefusedRatherThanMisreadAsHostAndPort(string url)
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() => DatabaseConnectionString.Parse(url, Source));

        Assert.Contains("# as %23", error.Message);
        Assert.DoesNotContain("Summer", error.Message);
    }

    [Fact]
    public void ADriverSuffixOnAnotherSchemeIsNotTakenForPostgres()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse("mysql+pymysql://u:Sup3rS3cretPw@db.example.com/app", Source));

        Assert.Contains("DATABASE_URL", error.Message);
        Assert.DoesNotContain("Sup3rS3cretPw", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void AnEmptyValueIsRefusedNamingTheSource(string value)
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() => DatabaseConnectionString.Parse(value, Source));

        Assert.Equal("DATABASE_URL is empty.", error.Message);
    }

    [Theory]
    [InlineData("Host=db.example.com;Port=6432;Username=app;Password=pw;Database=listings", 100)]
    [InlineData("  host=db.example.com;port=6432;user id=app;password=pw;database=listings;MaxPoolSize=7  ", 7)]
    [InlineData("Server=db.example.com;Port=6432;User ID=app;Password=pw;Database=listings;Maximum Pool Size=12", 12)]
    public void KeywordStringsAreReadWithEveryNpgsqlSpelling(string value, int maxPoolSize)
    {
        var builder = DatabaseConnectionString.Parse(value, Source);

        Assert.Equal("db.example.com", builder.Host);
        Assert.Equal(6432, builder.Port);
        Assert.Equal("app", builder.Username);
        Assert.Equal("listings", builder.Database);
        Assert.Equal(maxPoolSize, builder.MaxPoolSize);
    }

    [Fact]
    public void TheMaxPoolSizeKeywordTrapIsExplainedWithTheSpellingThatWorks()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse(
                $"Host=h;Username=u;Password=Sup3rS3cretPw;{SupabaseConnections.RejectedMaxPoolSizeKeyword}=30", "ConnectionStrings:listingsdb"));

        Assert.Contains("ConnectionStrings:listingsdb", error.Message);
        Assert.Contains($"'{SupabaseConnections.RejectedMaxPoolSizeKeyword}'", error.Message);
        Assert.Contains("write 'Maximum Pool Size'", error.Message);
        Assert.DoesNotContain("Sup3rS3cretPw", error.Message);
    }

    [Theory]
    [InlineData("Host=h;Password=Sup3rS3cretPw;Port=abc")]
    [InlineData("Host=h;Password=Sup3rS3cretPw;Timeout=-5x")]
    [InlineData("Host=h;Password=Sup3rS3cretPw;Pool Pre Ping=true")]
    [InlineData("Host=h;Password=Sup3rS3cretPw;this is not a pair")]
    public void ABadKeywordStringIsRefusedNamingTheSourceButNotThePassword(string value)
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() => DatabaseConnectionString.Parse(value, Source));

        Assert.StartsWith("DATABASE_URL ", error.Message);
        Assert.DoesNotContain("Sup3rS3cretPw", error.Message);
    }

    [Fact]
    public void ABadValueNamesTheKeywordItBelongsTo()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse("Host=h;Password=Sup3rS3cretPw;Port=abc", Source));

        Assert.Contains("has a value for 'port'", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("abc", error.Message);
    }

    [Fact]
    public void RedactHidesTheClientCertificatePassphraseToo()
    {
        var builder = DatabaseConnectionString.Parse("Host=h;Username=u;Password=Sup3rS3cretPw;SSL Password=K3yPassphrase", Source);

        var redacted = DatabaseConnectionString.Redact(builder);

        Assert.DoesNotContain("K3yPassphrase", redacted);
        Assert.DoesNotContain("Sup3rS3cretPw", redacted);
    }

    [Fact]
    public void AnUnquotedSemicolonInThePasswordIsRefusedWithoutEchoingThePasswordsTail()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse("Host=h;Password=Sup3r;S3cretTail=x", Source));

        Assert.Contains("double quotes", error.Message);
        Assert.DoesNotContain("S3cretTail", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MaxPoolSizeAsAUrlParameterGetsTheSameHintAsInAKeywordString()
    {
        var error = Assert.Throws<ConnectionStringFormatException>(() =>
            DatabaseConnectionString.Parse("postgresql://app:pw@db.example.com/listings?Max%20Pool%20Size=5", Source));

        Assert.Contains("write 'Maximum Pool Size'", error.Message);
    }

    [Fact]
    public void RedactHidesThePasswordAndKeepsEverythingElse()
    {
        var builder = DatabaseConnectionString.Parse("postgresql://app:Sup3rS3cretPw@db.example.com:6432/listings", Source);

        var redacted = DatabaseConnectionString.Redact(builder);

        Assert.DoesNotContain("Sup3rS3cretPw", redacted);
        Assert.Contains("Password=***", redacted);
        Assert.Contains("Host=db.example.com", redacted);
        Assert.Contains("Username=app", redacted);
        Assert.Contains("Port=6432", redacted);
        Assert.Equal("Sup3rS3cretPw", builder.Password);
    }

    [Fact]
    public void RedactLeavesAStringWithoutPasswordWithoutOne()
    {
        var builder = DatabaseConnectionString.Parse("Host=localhost;Username=postgres;Passfile=/home/app/.pgpass", Source);

        var redacted = DatabaseConnectionString.Redact(builder);

        Assert.DoesNotContain("Password", redacted);
        Assert.DoesNotContain(".pgpass", redacted);
        Assert.Contains("Host=localhost", redacted);
    }
}
