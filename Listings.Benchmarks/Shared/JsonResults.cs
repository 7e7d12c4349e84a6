using System.Text.Json;
using System.Text.Json.Serialization;

namespace Listings.Benchmarks;

/// <summary>Writes results (<see cref="BenchmarkResults"/>, the fault harness's) as indented camelCase JSON.</summary>
public static class JsonResults
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A latency of a storm with no answers is NaN; JSON has no NaN, so it is written as the string "NaN".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/>, replacing it.</summary>
    /// <typeparam name="T">The results' type.</typeparam>
    /// <param name="results">The results.</param>
    /// <param name="path">The file path.</param>
    public static async Task WriteAsync<T>(T results, string path)
    {
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, results, Options);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
