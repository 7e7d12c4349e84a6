using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Configuration;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class ConnectionSourceTests
{
    private const string Keywords = "Host=localhost;Username=postgres";
    private const string Url = "postgresql://postgres@db.example.com/listings";

    [Theory]
    // ConnectionStrings:listingsdb, DATABASE_URL => value, source
    [InlineData(Keywords, Url, Keywords, "ConnectionStrings:listingsdb")]
    [InlineData(Keywords, null, Keywords, "ConnectionStrings:listingsdb")]
    [InlineData(null, Url, Url, "DATABASE_URL")]
    [InlineData("", Url, Url, "DATABASE_URL")]
    [InlineData(null, null, null, "ConnectionStrings:listingsdb or DATABASE_URL")]
    [InlineData("", "", null, "ConnectionStrings:listingsdb or DATABASE_URL")]
    public void TheNamedConnectionStringWinsOverDatabaseUrl(string? connectionString, string? databaseUrl, string? value, string source)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:listingsdb"] = connectionString,
                ["DATABASE_URL"] = databaseUrl,
            })
            .Build();

        var read = ConnectionSource.Read(configuration, "listingsdb");

        Assert.Equal((value, source), read);
    }

    [Fact]
    public void AnotherConnectionNameIsNotMistakenForTheOneAskedFor()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:otherdb"] = Keywords })
            .Build();

        Assert.Equal((null, "ConnectionStrings:listingsdb or DATABASE_URL"), ConnectionSource.Read(configuration, "listingsdb"));
    }
}
