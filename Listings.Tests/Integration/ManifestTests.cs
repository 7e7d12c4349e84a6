using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>Runs the README's publish command for real and reads the manifest it writes.</summary>
public sealed partial class ManifestTests
{
    private const string SupabasePassword = "Sup3r-Secret-Pa55word";
    private const string SupabaseJwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

    [Fact]
    public async Task ExternalConnectionStringBecomesASecretParameterAndItsPasswordStaysOut()
    {
        var (manifest, text, log) = await ManifestPublisher.PublishAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] =
                $"Host=aws-0-eu-west-1.pooler.supabase.com;Port=6543;Username=postgres.abcdefghijklmnop;Password={SupabasePassword};Database=postgres",
            ["Parameters__jwt-secret"] = SupabaseJwtSecret,
        });

        Assert.DoesNotContain(SupabasePassword, log);
        Assert.DoesNotContain(SupabaseJwtSecret, log);

        var database = manifest["resources"]!["listingsdb"]!;
        Assert.Equal("parameter.v0", database["type"]!.GetValue<string>());
        Assert.True(database["inputs"]!["value"]!["secret"]!.GetValue<bool>());
        Assert.DoesNotContain(SupabasePassword, text);
        Assert.DoesNotContain(SupabaseJwtSecret, text);
        Assert.DoesNotContain("supabase.com", text);
        AssertNoLocalServerAndNoLiteralPassword(manifest, text);
    }

    [Fact]
    public async Task WithoutAConnectionStringTheDatabaseIsTheContainerWithAGeneratedSecretPassword()
    {
        var (manifest, text, _) = await ManifestPublisher.PublishAsync(new Dictionary<string, string>());

        var server = manifest["resources"]!["postgres"]!;
        Assert.Equal("container.v0", server["type"]!.GetValue<string>());
        Assert.Equal("value.v0", manifest["resources"]!["listingsdb"]!["type"]!.GetValue<string>());
        Assert.True(manifest["resources"]!["postgres-password"]!["inputs"]!["value"]!["secret"]!.GetValue<bool>());
        Assert.Null(manifest["resources"]!["pgadmin"]);
        AssertNoLocalServerAndNoLiteralPassword(manifest, text);
    }

    private static void AssertNoLocalServerAndNoLiteralPassword(JsonNode manifest, string text)
    {
        var types = manifest["resources"]!.AsObject().Select(resource => resource.Value!["type"]!.GetValue<string>());
        Assert.DoesNotContain(types, type => type.StartsWith("executable", StringComparison.Ordinal));
        Assert.DoesNotContain("run-postgres.sh", text);
        // Every password in the manifest is a placeholder such as {postgres-password.value}, never a value.
        Assert.Empty(LiteralPasswordRegex().Matches(text));
        Assert.Equal("project.v0", manifest["resources"]!["api"]!["type"]!.GetValue<string>());

        // The migration runner is the API's own migrate mode, a resource of its own; the API leaves migrating to it
        // (the manifest format has no field for WaitForCompletion). A deployment is never seeded.
        var runner = manifest["resources"]!["migrations"]!;
        Assert.Equal("project.v0", runner["type"]!.GetValue<string>());
        Assert.Equal(["migrate"], runner["args"]!.AsArray().Select(argument => argument!.GetValue<string>()));
        Assert.Equal("{listingsdb.connectionString}", runner["env"]!["ConnectionStrings__listingsdb"]!.GetValue<string>());
        Assert.Null(runner["env"]!["DatabaseInitialization__SeedCount"]);
        Assert.Equal("false", manifest["resources"]!["api"]!["env"]!["Database__MigrateOnStart"]!.GetValue<string>());

        // The JWT secret is a secret input the deployment must supply (a made-up one would refuse every real token),
        // handed to the API by reference.
        var jwtSecret = manifest["resources"]!["jwt-secret"]!;
        Assert.Equal("parameter.v0", jwtSecret["type"]!.GetValue<string>());
        Assert.True(jwtSecret["inputs"]!["value"]!["secret"]!.GetValue<bool>());
        Assert.Null(jwtSecret["inputs"]!["value"]!["default"]);
        Assert.Equal("{jwt-secret.value}", manifest["resources"]!["api"]!["env"]!["Auth__JwtSecret"]!.GetValue<string>());

        // The Supabase project URL is an optional input beside it: not secret, empty unless the deployment sets it.
        var supabaseUrl = manifest["resources"]!["supabase-url"]!;
        Assert.Equal("parameter.v0", supabaseUrl["type"]!.GetValue<string>());
        Assert.Null(supabaseUrl["inputs"]!["value"]!["secret"]);
        Assert.Equal("", supabaseUrl["inputs"]!["value"]!["default"]!["value"]!.GetValue<string>());
        Assert.Equal("{supabase-url.value}", manifest["resources"]!["api"]!["env"]!["Auth__SupabaseUrl"]!.GetValue<string>());

        // The replica count every pool is sized for is a deployment's choice: an input with this run's count as default.
        Assert.Equal("1", manifest["resources"]!["api-replicas"]!["inputs"]!["value"]!["default"]!["value"]!.GetValue<string>());
        Assert.Equal("{api-replicas.value}", manifest["resources"]!["api"]!["env"]!["ConnectionPool__Replicas"]!.GetValue<string>());
    }

    [GeneratedRegex(@"(?i)password=(?!\{)")]
    private static partial Regex LiteralPasswordRegex();
}
