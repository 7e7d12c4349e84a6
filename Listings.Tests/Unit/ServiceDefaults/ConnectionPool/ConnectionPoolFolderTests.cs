using System.Text.RegularExpressions;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit.ConnectionPool;

/// <summary>
/// The pool policy's folders depend on each other one way, in the order its README draws them: a file may use the types
/// of its own folder and of the folders above it, never of one below. Read from the sources, since every type shares one
/// namespace; comments are left out (a doc may point anywhere).
/// </summary>
public sealed partial class ConnectionPoolFolderTests
{
    private static readonly string[] Order = ["Detect", "Problems", "Plan", "Enforce", "Observe", "Admission", "Replicas", "Diagnose"];

    private static readonly string Root = Path.Combine(RepositoryPaths.Root, "ServiceDefaults", "ConnectionPool");

    [Fact]
    public void EveryFolderIsInTheOrder() =>
        Assert.Equal(Order.Order(), Directory.GetDirectories(Root).Select(Path.GetFileName).Order());

    [Fact]
    public void EachFolderUsesOnlyTheFoldersAboveIt()
    {
        var files = Order.SelectMany(folder => Directory.GetFiles(Path.Combine(Root, folder), "*.cs").Select(path => (Folder: folder, Path: path))).ToList();
        var owner = files
            .SelectMany(file => Declaration().Matches(File.ReadAllText(file.Path)).Select(match => (Type: match.Groups["name"].Value, file.Folder)))
            .DistinctBy(declared => declared.Type)
            .ToDictionary(declared => declared.Type, declared => declared.Folder);
        Assert.True(owner.Count > 40, $"only {owner.Count} types found");

        var backwards = files.SelectMany(file =>
        {
            var code = Comment().Replace(File.ReadAllText(file.Path), "");
            return owner
                .Where(type => Array.IndexOf(Order, type.Value) > Array.IndexOf(Order, file.Folder)
                    && Regex.IsMatch(code, $@"\b{type.Key}\b"))
                .Select(type => $"{file.Folder}/{Path.GetFileName(file.Path)} uses {type.Key} ({type.Value}/)");
        }).ToList();

        Assert.True(backwards.Count == 0, string.Join(Environment.NewLine, backwards));
    }

    [GeneratedRegex(@"\b(?:class|record|enum|interface|struct)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"//.*")]
    private static partial Regex Comment();
}
