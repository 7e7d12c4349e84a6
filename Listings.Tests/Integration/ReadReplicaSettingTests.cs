using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// <c>Database:ReadReplicas</c> set wrong stops the AppHost before anything starts, with a message that names the key
/// and what to write instead.
/// </summary>
public sealed class ReadReplicaSettingTests
{
    [Theory]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("6")]
    public async Task ValueThatIsNoCountOfReplicasStopsTheStartNamingTheKeyAndTheRange(string value)
    {
        var messages = await StartErrorAsync("--Database:Mode=local", $"--{ListingsDatabase.ReadReplicasKey}={value}");

        Assert.Contains($"{ListingsDatabase.ReadReplicasKey} is '{value}': use a whole number from 0 to 5 (default 0)", messages);
    }

    [Fact]
    public async Task ReplicasOutsideLocalModeStopTheStartNamingLocalMode()
    {
        var messages = await StartErrorAsync(
            "--Database:Mode=external",
            "--ConnectionStrings:listingsdb=Host=127.0.0.1;Port=1;Username=postgres;Password=unused;Database=listings",
            $"--{ListingsDatabase.ReadReplicasKey}=2");

        Assert.Contains("read replicas are started beside the local server only", messages);
        Assert.Contains("served in external mode: add --Database:Mode=local", messages);
    }

    private static async Task<string> StartErrorAsync(params string[] arguments)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(arguments);
            await using var app = await builder.BuildAsync();
        });

        return string.Join(Environment.NewLine, ExceptionChain.Flatten(error).Select(e => e.Message));
    }
}
