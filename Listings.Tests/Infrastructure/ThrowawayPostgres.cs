using System.Diagnostics;
using Listings.AppHost.Database.Local;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of its own for one test class, without the AppHost: <c>initdb</c> into a temporary folder, SCRAM
/// password authentication with a distinctive password, loopback only, SSL off (PostgreSQL's default), and a small
/// <c>max_connections</c>. As root it runs as the <c>postgres</c> system user, as the AppHost's local server does.
/// Disposing it stops the server (fast shutdown) and deletes the folder.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncLifetime
{
    /// <summary>The server's <c>max_connections</c>: the direct budget is a third of it, 10.</summary>
    public const int MaxConnections = 30;

    /// <summary>The superuser.</summary>
    public const string Username = "postgres";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("listings-config-pg-").FullName;
    private readonly PostgresBinaries _binaries = PostgresBinaries.Find(configuredBinDirectory: null)
        ?? throw new InvalidOperationException("The PostgreSQL server binaries are not installed: 'apt-get install postgresql' (.ci/run does it).");

    private bool _started;

    /// <summary>The superuser's password: distinctive, so a test can prove it appears nowhere.</summary>
    public string Password { get; } = $"S3cret-Pa55-{Guid.NewGuid():N}";

    /// <summary>The port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; } = FreePort.Next();

    /// <summary>A keyword connection string to the <c>postgres</c> database, which always exists.</summary>
    public string ConnectionString(string extraKeywords = "") =>
        $"Host=127.0.0.1;Port={Port};Username={Username};Password={Password};Database=postgres" + (extraKeywords.Length > 0 ? ";" + extraKeywords : "");

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var passwordFile = Path.Combine(_directory, "password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            // The postgres system user must own the folder; PostgreSQL refuses to run as root.
            File.SetUnixFileMode(_directory, (UnixFileMode)0b111_101_101);
            await RunAsync("chown", ["-R", "postgres:", _directory], asPostgres: false);
        }

        await RunAsync(_binaries.Program("initdb"),
            ["-D", DataDirectory, "-U", Username, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "--no-locale", "-E", "UTF8"]);
        File.Delete(passwordFile);

        // With -l the server writes to its log file and holds none of this process's pipes.
        await RunAsync(_binaries.Program("pg_ctl"),
        [
            "-D", DataDirectory, "-l", Path.Combine(_directory, "postgres.log"), "-w", "start",
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c ssl=off -c max_connections={MaxConnections}",
        ]);
        _started = true;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_started)
        {
            await RunAsync(_binaries.Program("pg_ctl"), ["-D", DataDirectory, "stop", "-m", "fast", "-w"]);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var runAsPostgres = asPostgres && Environment.IsPrivilegedProcess;
        var start = new ProcessStartInfo(runAsPostgres ? "setpriv" : program);
        if (runAsPostgres)
        {
            foreach (var argument in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        await using var process = ProcessOutput.Start(start);
        var exitCode = await process.WaitForExitAsync(ToolTimeout);
        Assert.True(exitCode == 0, $"{Path.GetFileName(program)} exited with {exitCode}: {process.Text}");
    }
}
