using System.Text.RegularExpressions;
using Listings.Api.Caching;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit.Listings.Api.Caching;

public sealed class CacheOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(CacheOptionsValidator.Check(new CacheOptions()));

    [Fact]
    public void EachWrongSettingIsNamedWithItsRange()
    {
        var failures = CacheOptionsValidator.Check(new CacheOptions { TimeToLiveSeconds = 0, MaxStaleSeconds = 0 });

        Assert.Equal(
        [
            "Cache:TimeToLiveSeconds is 0: use a whole number from 1 to 86400.",
            "Cache:MaxStaleSeconds is 0: use a whole number from 1 to 60.",
        ], failures);
    }

    [Fact]
    public void TheSettingsTableInTheApiDocsListsEverySettingWithItsDefault()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "api.md"));
        var defaults = new CacheOptions();
        foreach (var property in typeof(CacheOptions).GetProperties().Where(property => property.CanWrite))
        {
            var row = Regex.Match(docs, $@"^\| `Cache:{property.Name}` \| ([^|]+) \|", RegexOptions.Multiline);
            Assert.True(row.Success, $"docs/api.md has no row for Cache:{property.Name}");
            Assert.Equal(Convert.ToString(property.GetValue(defaults), System.Globalization.CultureInfo.InvariantCulture)!.ToLowerInvariant(), row.Groups[1].Value.Trim());
        }
    }
}
