using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Listings.Benchmarks.Cache;

/// <summary>
/// The reads every client picks from (unfiltered pages 1 to <see cref="CacheRunOptions.UnfilteredPages"/> and pages 1
/// to <see cref="CacheRunOptions.CityPages"/> of <see cref="CacheRunOptions.City"/>, newest first) and the listings they
/// show, numbered densely: the writes change those listings, so the pages clients read change.
/// </summary>
public sealed class ReadMix
{
    private const string ListingsPath = "api/v1/listings";
    private const string TitlePrefix = "v";

    private readonly Dictionary<long, int> _indexOf;

    private ReadMix(Uri[] paths, WritableListing[] listings)
    {
        Paths = paths;
        Listings = listings;
        _indexOf = listings.Select((listing, index) => (listing.Id, index)).ToDictionary(p => p.Id, p => p.index);
    }

    /// <summary>Gets the relative addresses of the reads.</summary>
    public IReadOnlyList<Uri> Paths { get; }

    /// <summary>Gets the listings the reads show, by dense index.</summary>
    public IReadOnlyList<WritableListing> Listings { get; }

    /// <summary>The title a write of <paramref name="version"/> stores: <c>v</c> and nine digits.</summary>
    /// <param name="version">The write's version, from 1.</param>
    public static string Title(int version) => TitlePrefix + version.ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>Reads every page of the mix once (anonymously) and keeps what a write of each listing needs.</summary>
    /// <param name="baseAddress">An API's base address.</param>
    /// <param name="options">The pages and the city.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="InvalidOperationException">A page failed or the city has fewer pages than the mix reads.</exception>
    public static async Task<ReadMix> DiscoverAsync(Uri baseAddress, CacheRunOptions options, CancellationToken cancellationToken)
    {
        var city = Uri.EscapeDataString(options.City);
        var paths = Enumerable.Range(1, options.UnfilteredPages).Select(page => $"{ListingsPath}?page={page}&pageSize={options.PageSize}")
            .Concat(Enumerable.Range(1, options.CityPages).Select(page => $"{ListingsPath}?page={page}&pageSize={options.PageSize}&city={city}"))
            .Select(path => new Uri(path, UriKind.Relative))
            .ToArray();
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var listings = new Dictionary<long, WritableListing>();
        foreach (var path in paths)
        {
            var page = JsonNode.Parse(await client.GetStringAsync(path, cancellationToken))!;
            var items = page["items"]!.AsArray();
            if (items.Count != options.PageSize)
            {
                throw new InvalidOperationException($"{path} showed {items.Count} listings, not {options.PageSize}: the seed is too small for the read mix.");
            }

            foreach (var item in items)
            {
                var body = item!.AsObject();
                var id = body["id"]!.GetValue<long>();
                listings.TryAdd(id, new WritableListing(id, $"{ListingsPath}/{id}", AfterTitle(body)));
            }
        }

        return new ReadMix(paths, [.. listings.Values]);
    }

    /// <summary>
    /// Reads a page's listings and the version each shows (from its title; 0 for a title no write of this run set) into
    /// <paramref name="seen"/>, without allocating. False when the body is not a page or shows a listing outside the mix.
    /// </summary>
    /// <param name="json">The page's body.</param>
    /// <param name="seen">Where each listing's index and version are added.</param>
    public bool TryRead(ReadOnlySpan<byte> json, List<ListingVersion> seen)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            long id = -1;
            var version = -1;
            while (reader.Read())
            {
                // The root object is at depth 0, "items" at 1, each listing at 2, its members at 3.
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3)
                {
                    if (reader.ValueTextEquals("id"u8))
                    {
                        reader.Read();
                        id = reader.GetInt64();
                    }
                    else if (reader.ValueTextEquals("title"u8))
                    {
                        reader.Read();
                        version = VersionOf(reader.ValueSpan);
                    }
                }
                else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 2)
                {
                    if (id < 0 || version < 0 || !_indexOf.TryGetValue(id, out var index))
                    {
                        return false;
                    }

                    seen.Add(new ListingVersion(index, version));
                    id = -1;
                    version = -1;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // "v000000123" is version 123; any other title (the seed's) is version 0.
    private static int VersionOf(ReadOnlySpan<byte> title) =>
        title.Length > 1 && title[0] == (byte)'v' && Utf8Parser.TryParse(title[1..], out int version, out var consumed) && consumed == title.Length - 1
            ? version
            : 0;

    // The listing's members a PUT must send besides the title, as JSON after it: every one unchanged (city included, so
    // the listing stays on the city's pages; created_at is not a member, so it stays on its page).
    private static string AfterTitle(JsonObject listing)
    {
        var rest = new JsonObject();
        foreach (var member in new[] { "description", "city", "price", "currency", "bedrooms", "bathrooms", "surfaceSquareMeters" })
        {
            rest[member] = listing[member]!.DeepClone();
        }

        return rest.ToJsonString()[1..];
    }
}

/// <summary>A listing the reads show and the writes change.</summary>
/// <param name="Id">The listing's id.</param>
/// <param name="Path">Its relative address, for the PUT.</param>
/// <param name="AfterTitle">Its members other than the title as JSON, closing brace included.</param>
public sealed record WritableListing(long Id, string Path, string AfterTitle)
{
    /// <summary>The PUT body that sets the title to <paramref name="title"/> and keeps everything else.</summary>
    /// <param name="title">The new title.</param>
    public string Body(string title) => string.Concat("{\"title\":\"", title, "\",", AfterTitle);
}

/// <summary>A listing a read showed, and the version of it shown.</summary>
/// <param name="Listing">The listing's index in <see cref="ReadMix.Listings"/>.</param>
/// <param name="Version">The version its title showed; 0 for the seed's title.</param>
public readonly record struct ListingVersion(int Listing, int Version);
