using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Listings.Testing;

/// <summary>
/// A throw-away PostgreSQL cluster in a temporary folder, on loopback, with password authentication.
/// Disposing it stops the server with a fast shutdown and deletes the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>
    /// The server's connection limit. 100 is PostgreSQL's own default, so Npgsql's stock pool of 100 meets the
    /// server's real limit instead of a limit made up for the benchmark.
    /// </summary>
    public const int MaxConnections = 100;

    private readonly string _binDirectory;
    private readonly string _workDirectory;
    private readonly string _password;
    private bool _started;

    private PostgresServer(string binDirectory, string workDirectory, int port, string password)
    {
        _binDirectory = binDirectory;
        _workDirectory = workDirectory;
        Port = port;
        _password = password;
    }

    /// <summary>Gets the TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port { get; }

    /// <summary>Gets the folder holding the server binaries, which also holds <c>pgbench</c>.</summary>
    public string BinDirectory => _binDirectory;

    /// <summary>Gets the server's major version, read from the binaries' folder name.</summary>
    public string Version => Path.GetFileName(Path.GetDirectoryName(_binDirectory)) ?? "?";

    /// <summary>Gets the superuser's password, for tools such as pgbench that take it from <c>PGPASSWORD</c>.</summary>
    public string Password => _password;

    /// <summary>Creates the cluster with <c>initdb</c> and starts the server.</summary>
    /// <param name="binDirectory">The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<PostgresServer> StartAsync(string binDirectory, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("listings-bench-");
        // PostgreSQL refuses to run as root; when we are root the server runs as the postgres system user,
        // which must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(work.FullName, (UnixFileMode)0b111_101_101);
        }
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var server = new PostgresServer(binDirectory, work.FullName, FreeTcpPort(), password);
        try
        {
            await server.InitializeAndStartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds a connection string to <paramref name="database"/> as the superuser.</summary>
    /// <param name="database">The database name.</param>
    /// <param name="extraKeywords">Keywords appended verbatim, e.g. pool settings; they win over the service's defaults.</param>
    public string ConnectionString(string database, string extraKeywords = "")
    {
        var baseString = $"Host=127.0.0.1;Port={Port};Username=postgres;Password={_password};Database={database}";
        return extraKeywords.Length == 0 ? baseString : $"{baseString};{extraKeywords}";
    }

    /// <summary>Opens an unpooled connection, so it never borrows from or adds to a pool under test.</summary>
    /// <param name="database">The database name.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString(database, "Pooling=false;Application Name=Listings.Benchmarks"));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await RunAsync("pg_ctl", ["-D", DataDirectory, "stop", "-m", "fast", "-w"], CancellationToken.None, throwOnError: false);
            _started = false;
        }

        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not hide the benchmark's own outcome; the folder is under /tmp.
        }
    }

    private string DataDirectory => Path.Combine(_workDirectory, "data");

    private async Task InitializeAndStartAsync(CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(_workDirectory, "pw");
        await File.WriteAllTextAsync(passwordFile, _password + "\n", cancellationToken);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("/usr/bin/chown", ["-R", "postgres:postgres", _workDirectory], cancellationToken, asPostgres: false);
        }

        await RunAsync("initdb", ["-D", DataDirectory, "-U", "postgres", $"--pwfile={passwordFile}",
            "--auth=scram-sha-256", "--no-locale", "-E", "UTF8"], cancellationToken);
        File.Delete(passwordFile);
        await StartServerAsync(cancellationToken);
    }

    /// <summary>
    /// Restarts the server with <c>pg_ctl restart -m fast</c>: open sessions are ended, the server shuts down and comes
    /// back with the same options. Returns when the server accepts connections again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the restart.</param>
    public Task RestartAsync(CancellationToken cancellationToken) =>
        // -l again: without it the new server would write its log to pg_ctl's output, which we read to the end.
        RunAsync("pg_ctl", ["-D", DataDirectory, "-l", LogPath, "-w", "-m", "fast", "-o", ServerOptions, "restart"], cancellationToken);

    /// <summary>Stops the server with <c>pg_ctl stop -m fast</c>; returns when it is down. <see cref="StartAgainAsync"/> brings it back.</summary>
    /// <param name="cancellationToken">Cancels the wait for the stop.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-w", "-m", "fast", "stop"], cancellationToken);
        _started = false;
    }

    /// <summary>Starts the server stopped by <see cref="StopAsync"/> again, on the same port and data; returns when it accepts connections.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public Task StartAgainAsync(CancellationToken cancellationToken) => StartServerAsync(cancellationToken);

    /// <summary>Copies the server's log to <paramref name="path"/>, for a run that wants it kept after the folder is deleted.</summary>
    /// <param name="path">The destination file.</param>
    public void CopyLogTo(string path)
    {
        if (File.Exists(LogPath))
        {
            File.Copy(LogPath, path, overwrite: true);
        }
    }

    private string LogPath => Path.Combine(_workDirectory, "postgres.log");

    private string ServerOptions =>
        $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections={MaxConnections}";

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-l", LogPath, "-w", "-o", ServerOptions, "start"], cancellationToken);
        _started = true;
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        bool asPostgres = true, bool throwOnError = true)
    {
        var startInfo = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true };
        var executable = tool.StartsWith('/') ? tool : Path.Combine(_binDirectory, tool);
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            startInfo.FileName = "setpriv";
            foreach (var argument in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        else
        {
            startInfo.FileName = executable;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    /// <summary>
    /// Finds the server binaries: PostgreSQL 15, what the measurements in the design were taken on, else the newest
    /// version under <c>/usr/lib/postgresql</c>.
    /// </summary>
    public static string FindBinDirectory()
    {
        const string preferred = "/usr/lib/postgresql/15/bin";
        if (File.Exists(Path.Combine(preferred, "postgres")))
        {
            return preferred;
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderDescending().FirstOrDefault()
              ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql.")
            : throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql.");
    }

    /// <summary>Asks the kernel for a free loopback port.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
