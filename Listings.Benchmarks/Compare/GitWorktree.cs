namespace Listings.Benchmarks.Compare;

/// <summary>
/// A detached git worktree of one commit in a folder of its own, so that a build of that commit leaves the repository's
/// working tree, index and branches alone. Disposing it removes the folder (<c>git worktree remove --force</c>, then
/// <c>git worktree prune</c>).
/// </summary>
public sealed class GitWorktree : IAsyncDisposable
{
    private readonly string _repository;

    private GitWorktree(string repository, string path, GitRevision revision)
    {
        _repository = repository;
        Path = path;
        Revision = revision;
    }

    /// <summary>Gets the worktree's folder: the root of the checked-out tree.</summary>
    public string Path { get; }

    /// <summary>Gets the commit checked out.</summary>
    public GitRevision Revision { get; }

    /// <summary>Checks <paramref name="revision"/> out, detached, into <paramref name="path"/>, which must not exist yet.</summary>
    /// <param name="repository">The repository the worktree belongs to.</param>
    /// <param name="revision">The commit to check out.</param>
    /// <param name="path">The new worktree's folder.</param>
    /// <param name="cancellationToken">Stops waiting for git.</param>
    public static async Task<GitWorktree> AddAsync(string repository, GitRevision revision, string path, CancellationToken cancellationToken)
    {
        await Git.RunAsync(repository, ["worktree", "add", "--detach", path, revision.Commit], cancellationToken);
        return new GitWorktree(repository, path, revision);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Never cancelled: a worktree left behind would hold its folder and an entry in the repository.
        try
        {
            await Git.RunAsync(_repository, ["worktree", "remove", "--force", Path], CancellationToken.None);
        }
        catch (InvalidOperationException error)
        {
            RunFrame.Log($"The worktree {Path} was not removed: {error.Message}");
        }
        finally
        {
            await Git.RunAsync(_repository, ["worktree", "prune"], CancellationToken.None);
        }
    }
}
