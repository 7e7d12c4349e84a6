namespace Listings.Benchmarks.Compare;

/// <summary>A git ref resolved to the commit it names when the run started.</summary>
/// <param name="Ref">The ref as given, e.g. <c>HEAD</c>, a branch or a commit.</param>
/// <param name="Commit">The full commit id.</param>
/// <param name="ShortCommit">The abbreviated commit id.</param>
/// <param name="Subject">The first line of the commit's message.</param>
public sealed record GitRevision(string Ref, string Commit, string ShortCommit, string Subject)
{
    /// <summary>Resolves <paramref name="gitRef"/> in <paramref name="repository"/>.</summary>
    /// <param name="repository">The repository folder.</param>
    /// <param name="gitRef">A ref, branch, tag or commit.</param>
    /// <param name="cancellationToken">Stops waiting for git.</param>
    /// <exception cref="InvalidOperationException">The ref names no commit.</exception>
    public static async Task<GitRevision> ResolveAsync(string repository, string gitRef, CancellationToken cancellationToken)
    {
        var commit = await Git.RunAsync(repository, ["rev-parse", "--verify", "--end-of-options", gitRef + "^{commit}"], cancellationToken);
        var line = await Git.RunAsync(repository, ["log", "-1", "--format=%h%x09%s", commit], cancellationToken);
        var parts = line.Split('\t', 2);
        return new GitRevision(gitRef, commit, parts[0], parts.Length > 1 ? parts[1] : "");
    }
}
