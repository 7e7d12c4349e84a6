using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Listings.ServiceDefaults.ConnectionPool;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit.ConnectionPool;

/// <summary>
/// Each <c>ConnectionPool</c> default is written once, on its property: the pool README's settings tables and the XML
/// docs say the same default and range, or these fail naming the key.
/// </summary>
public sealed partial class ConnectionPoolSettingsTests
{
    private const string PoolSettings = "## Settings";
    private const string ReadReplicaSettings = "## Read replicas";

    private static readonly Type[] Parts = [typeof(PoolOptions), typeof(BudgetOptions), typeof(WorkLimitOptions), typeof(LoginBackoffOptions)];

    public static TheoryData<string, string> Keys
    {
        get
        {
            var keys = new TheoryData<string, string>();
            foreach (var setting in Settings())
            {
                keys.Add(PoolSettings, setting.Property.Name);
            }

            foreach (var setting in Settings(typeof(ReadReplicaOptions)))
            {
                keys.Add(ReadReplicaSettings, setting.Property.Name);
            }

            return keys;
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void TheReadmeStatesEachSettingsDefaultAndRangeAsTheCodeHasThem(string section, string key)
    {
        var setting = Settings(section == PoolSettings ? Parts : [typeof(ReadReplicaOptions)]).Single(setting => setting.Property.Name == key);
        var row = ReadmeRows(section).GetValueOrDefault(key);
        Assert.True(row is not null, $"ServiceDefaults/ConnectionPool/README.md has no settings row for `{key}`.");

        if (setting.Default is { } value)
        {
            Assert.Equal($"`{Format(value)}`", row.Default);
        }
        else
        {
            Assert.DoesNotMatch(LiteralValue(), row.Default);
        }

        Assert.Equal(ConnectionPoolOptionsValidator.RangeOf(setting.Property) is var (min, max) ? $"{min}-{max}" : null,
            RangeCell().IsMatch(row.Range) ? row.Range : null);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void TheXmlDocStatesEachSettingsDefaultAsTheCodeHasIt(string section, string key)
    {
        var setting = Settings(section == PoolSettings ? Parts : [typeof(ReadReplicaOptions)]).Single(setting => setting.Property.Name == key);
        var summary = Documentation().GetValueOrDefault($"P:{setting.Property.DeclaringType!.FullName}.{key}");

        Assert.NotNull(summary);
        Assert.Contains($"The default value is {(setting.Default is { } value ? Format(value) : "null")}", summary);
    }

    [Fact]
    public void EveryReadmeRowIsASetting()
    {
        var keys = Settings().Select(setting => setting.Property.Name).ToHashSet();

        Assert.All(ReadmeRows(PoolSettings).Keys, key => Assert.Contains(key, keys));
        Assert.Equal(keys.Order(), ConnectionPoolOptionsKeys().Order());
        Assert.Equal(Settings(typeof(ReadReplicaOptions)).Select(setting => setting.Property.Name).Order(), ReadmeRows(ReadReplicaSettings).Keys.Order());
    }

    private static IEnumerable<(PropertyInfo Property, object? Default)> Settings(params Type[] parts) =>
        (parts.Length == 0 ? Parts : parts).SelectMany(part =>
        {
            var defaults = Activator.CreateInstance(part)!;
            return part.GetProperties().Where(property => property.CanWrite).Select(property => (property, property.GetValue(defaults)));
        });

    // What ConnectionPoolOptions.Bind accepts as keys, read through the setting every part is bound from.
    private static IEnumerable<string> ConnectionPoolOptionsKeys() =>
        typeof(ConnectionPoolOptions).GetProperty("Keys", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null) as IEnumerable<string> ?? [];

    private static string Format(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    // "| `Key` | Default | Range | Meaning |" in the settings tables of the README's section headed <paramref name="section"/>.
    private static Dictionary<string, ReadmeRow> ReadmeRows(string section) =>
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "ServiceDefaults", "ConnectionPool", "README.md"))
            .SkipWhile(line => line != section)
            .TakeWhile((line, i) => i == 0 || !line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => SettingRow().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["key"].Value, match => new ReadmeRow(match.Groups["default"].Value.Trim(), match.Groups["range"].Value.Trim()));

    private static Dictionary<string, string> Documentation() =>
        XDocument.Load(Path.Combine(AppContext.BaseDirectory, "ServiceDefaults.xml"))
            .Descendants("member")
            .ToDictionary(member => (string)member.Attribute("name")!, member => string.Join(" ", member.Element("summary")?.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? []));

    [GeneratedRegex(@"^\|\s*`(?<key>[A-Za-z]+)`\s*\|\s*(?<default>[^|]*?)\s*\|\s*(?<range>[^|]*?)\s*\|[^|]+\|$")]
    private static partial Regex SettingRow();

    [GeneratedRegex(@"^`(-?[0-9.]+|true|false)`$")]
    private static partial Regex LiteralValue();

    [GeneratedRegex(@"^-?[0-9]+--?[0-9]+$")]
    private static partial Regex RangeCell();

    private sealed record ReadmeRow(string Default, string Range);
}
