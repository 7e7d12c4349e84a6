using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// <c>ConnectionStrings:listingsdb-read</c> in the deploy manifest: a secret input handed to the API only, when the
/// AppHost is given one in external mode; nothing at all otherwise. Its password and host never appear.
/// </summary>
public sealed class ReadReplicaManifestTests
{
    private const string PrimaryPassword = "Prim4ry-Secret-Pa55word";
    private const string ReplicaPassword = "R3plica-Secret-Pa55word";
    private const string ReplicaHost = "aws-0-eu-west-1-replica.pooler.supabase.com";
    private const string ReadVariable = "ConnectionStrings__" + ListingsDatabase.ReadResourceName;

    private static readonly string Primary =
        $"Host=aws-0-eu-west-1.pooler.supabase.com;Port=6543;Username=postgres.abcdefghijklmnop;Password={PrimaryPassword};Database=postgres";

    private static readonly string Replica =
        $"Host={ReplicaHost};Port=6543;Username=postgres.abcdefghijklmnop;Password={ReplicaPassword};Database=postgres";

    [Fact]
    public async Task ExternalReadReplicaBecomesASecretInputOfTheApiAloneWithoutItsPassword()
    {
        var (manifest, text, log) = await ManifestPublisher.PublishAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__" + ListingsDatabase.ResourceName] = Primary,
            [ReadVariable] = Replica,
        });

        var read = manifest["resources"]![ListingsDatabase.ReadResourceName]!;
        Assert.Equal("parameter.v0", read["type"]!.GetValue<string>());
        Assert.True(read["inputs"]!["value"]!["secret"]!.GetValue<bool>());
        Assert.Null(read["inputs"]!["value"]!["default"]);
        Assert.Equal($"{{{ListingsDatabase.ReadResourceName}.connectionString}}", manifest["resources"]!["api"]!["env"]![ReadVariable]!.GetValue<string>());
        Assert.Null(manifest["resources"]!["migrations"]!["env"]![ReadVariable]);

        foreach (var output in new[] { text, log })
        {
            Assert.DoesNotContain(ReplicaPassword, output);
            Assert.DoesNotContain(PrimaryPassword, output);
            Assert.DoesNotContain(ReplicaHost, output);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithoutAReadReplicaTheManifestSaysNothingAboutOne(bool external)
    {
        var environment = new Dictionary<string, string>();
        if (external)
        {
            environment["ConnectionStrings__" + ListingsDatabase.ResourceName] = Primary;
        }

        var (manifest, text, _) = await ManifestPublisher.PublishAsync(environment);

        Assert.Equal("project.v0", manifest["resources"]!["api"]!["type"]!.GetValue<string>());
        Assert.DoesNotContain(ListingsDatabase.ReadResourceName, text);
        Assert.DoesNotContain("replica-", text);
    }
}
