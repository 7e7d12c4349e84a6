using System.Net.Http.Headers;
using Listings.Api.Auth;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>The JWT secret at start-up, and the <c>token</c> command that mints tokens with it.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class AuthStartupTests(ListingsAppFixture fixture)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("")]
    [InlineData("short-Secret-31-characters-long")]
    public async Task ApiWithoutAUsableSecretOrSupabaseUrlRefusesToStartNamingTheKeysAndWhereToFindThem(string secret)
    {
        await using var api = ApiProcess.Start(
            new Dictionary<string, string>
            {
                ["Auth__JwtSecret"] = secret,
                // Never reached: the options are checked before anything talks to the database.
                ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=app;Password=unused;Database=listings",
                ["ConnectionPool__ServerMaxConnections"] = "60",
            },
            FreePort.Next());

        var exitCode = await api.WaitForExitAsync(CommandTimeout);

        Assert.Equal(1, exitCode);
        Assert.Contains("Auth:JwtSecret", api.Text);
        Assert.Contains("Auth__JwtSecret", api.Text);
        Assert.Contains("Project Settings > API > JWT secret (legacy)", api.Text);
        Assert.Contains(
            secret.Length == 0 ? "Neither Auth:SupabaseUrl nor Auth:JwtSecret is set (environment variables Auth__SupabaseUrl, Auth__JwtSecret)"
                : "is 31 bytes long; an HS256 secret must be at least 32",
            api.Text);
        Assert.DoesNotContain("   at ", api.Text);
        if (secret.Length > 0)
        {
            Assert.DoesNotContain(secret, api.Text);
        }
    }

    [Fact]
    public async Task RejectedTokensLeaveTheSecretAndTheTokensOutOfTheLogEvenAtDebugLevel()
    {
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!,
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
        });
        await using var _ = api;
        using var __ = client;
        var user = Guid.NewGuid();
        var tokens = new[]
        {
            AccessTokens.Mint("another-secret-of-at-least-thirty-two-bytes", user, TimeSpan.FromHours(1)),
            AccessTokens.Mint(TestAuth.Secret, user, TimeSpan.FromHours(1), audience: "anon"),
            AccessTokens.Mint(TestAuth.Secret, user, TimeSpan.FromMinutes(1), clock: new FixedClock(DateTimeOffset.UtcNow.AddHours(-2))),
        };

        foreach (var token in tokens)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/listings/1");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
        }

        // The handler logs each failure; the console logger writes on its own thread.
        for (var attempt = 0; attempt < 50 && !api.Text.Contains("Bearer.Secret was not authenticated", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("Bearer.Secret was not authenticated", api.Text);
        Assert.DoesNotContain(TestAuth.Secret, api.Text);
        // A bearer token is a credential too: neither a token nor its signature reaches the log.
        Assert.All(tokens, token => Assert.DoesNotContain(token[(token.LastIndexOf('.') + 1)..], api.Text));
    }

    [Fact]
    public async Task TokenCommandPrintsOnlyATokenTheRunningApiAccepts()
    {
        var user = Guid.NewGuid();
        await using var command = ApiProcess.Start(
            new Dictionary<string, string>(), FreePort.Next(), "token", "--sub", user.ToString(), "--lifetime-minutes", "5");

        Assert.Equal(0, await command.WaitForExitAsync(CommandTimeout));
        var token = command.Text.Trim();
        Assert.Equal(3, token.Split('.').Length);
        Assert.DoesNotContain('\n', token);
        Assert.DoesNotContain(TestAuth.Secret, command.Text);

        using var client = fixture.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Posted with a minted token"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(user, (await response.Content.ReadFromJsonAsync<ListingJson>())!.OwnerId);
    }

    [Theory]
    [InlineData("--sub", "user-42", "is not a user id")]
    [InlineData("--lifetime-minutes", "0", "whole number of minutes")]
    [InlineData("--secret", "too-short", "Auth:JwtSecret")]
    public async Task TokenCommandRefusesABadOptionAndPrintsNoToken(string option, string value, string message)
    {
        await using var command = ApiProcess.Start(new Dictionary<string, string>(), FreePort.Next(), "token", option, value);

        Assert.Equal(1, await command.WaitForExitAsync(CommandTimeout));
        Assert.Contains(message, command.Text);
        Assert.DoesNotContain("eyJ", command.Text);
    }

    [Fact]
    public async Task TokenCommandRefusesAnEmptyAudienceWithAClearMessage()
    {
        await using var command = ApiProcess.Start(new Dictionary<string, string> { ["Auth__Audience"] = " " }, FreePort.Next(), "token");

        Assert.Equal(1, await command.WaitForExitAsync(CommandTimeout));
        Assert.Contains("Auth:Audience is empty", command.Text);
        Assert.DoesNotContain("   at ", command.Text);
    }
}
