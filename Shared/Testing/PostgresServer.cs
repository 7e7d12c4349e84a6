using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

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
    private string _settings = "";
    private bool _started;

    private PostgresServer(string binDirectory, string workDirectory, int port, string password, bool isStandby = false)
    {
        _binDirectory = binDirectory;
        _workDirectory = workDirectory;
        Port = port;
        _password = password;
        IsStandby = isStandby;
    }

    /// <summary>Gets the TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port { get; }

    /// <summary>Gets the folder holding the server binaries, which also holds <c>pgbench</c>.</summary>
    public string BinDirectory => _binDirectory;

    /// <summary>Gets the server's major version, read from the binaries' folder name.</summary>
    public string Version => Path.GetFileName(Path.GetDirectoryName(_binDirectory)) ?? "?";

    /// <summary>Gets the superuser's password, for tools such as pgbench that take it from <c>PGPASSWORD</c>.</summary>
    public string Password => _password;

    /// <summary>Gets whether this server is a streaming standby made by <see cref="StartStandbyAsync"/>.</summary>
    public bool IsStandby { get; }

    /// <summary>Creates the cluster with <c>initdb</c> and starts the server.</summary>
    /// <param name="binDirectory">The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="settings">Server settings added to the command line, e.g. <c>-c shared_preload_libraries=pg_stat_statements</c>.</param>
    public static async Task<PostgresServer> StartAsync(string binDirectory, CancellationToken cancellationToken, string settings = "")
    {
        var work = Directory.CreateTempSubdirectory("listings-bench-");
        // PostgreSQL refuses to run as root; when we are root the server runs as the postgres system user,
        // which must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(work.FullName, (UnixFileMode)0b111_101_101);
        }
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var server = new PostgresServer(binDirectory, work.FullName, FreeTcpPort(), password) { _settings = settings };
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
        $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections={MaxConnections} {_settings}".TrimEnd();

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-l", LogPath, "-w", "-o", ServerOptions, "start"], cancellationToken);
        _started = true;
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        bool asPostgres = true, bool throwOnError = true, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            // setpriv keeps the environment, so the tool run as postgres sees it too.
            startInfo.Environment[name] = value;
        }

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
    /// Makes a physical streaming standby of this server and starts it: <c>pg_basebackup -X stream -R</c> into a
    /// temporary folder of its own, then <c>pg_ctl start</c> on a free loopback port with the same server options.
    /// Returns when the standby accepts (read-only) connections and is in recovery. The standby has the same
    /// superuser and password; <see cref="ConnectionString"/>, <see cref="OpenAsync"/>, <see cref="StopAsync"/>,
    /// <see cref="StartAgainAsync"/> and <see cref="DisposeAsync"/> work on it as on the primary. It uses no
    /// replication slot (pg_basebackup's is temporary), so a standby stopped or disposed holds no WAL on the primary.
    /// </summary>
    /// <param name="cancellationToken">Cancels the copy and the start.</param>
    public async Task<PostgresServer> StartStandbyAsync(CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("listings-standby-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(work.FullName, (UnixFileMode)0b111_101_101);
        }

        var standby = new PostgresServer(_binDirectory, work.FullName, FreeTcpPort(), _password, isStandby: true);
        try
        {
            await standby.CopyAndStartAsync(this, cancellationToken);
            return standby;
        }
        catch
        {
            await standby.DisposeAsync();
            throw;
        }
    }

    private async Task CopyAndStartAsync(PostgresServer primary, CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("/usr/bin/chown", ["-R", "postgres:postgres", _workDirectory], cancellationToken, asPostgres: false);
        }

        // The password only in the child's environment, never on a command line. -R writes standby.signal and
        // primary_conninfo (password included, in the standby's own postgresql.auto.conf, mode 600 in a 700 folder).
        // --checkpoint=fast: the default spread checkpoint would make the copy wait on checkpoint pacing.
        await RunAsync("pg_basebackup",
            ["-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
             "-D", DataDirectory, "-R", "-X", "stream", "--checkpoint=fast", "--no-password"],
            cancellationToken, environment: new Dictionary<string, string> { ["PGPASSWORD"] = _password });
        await StartServerAsync(cancellationToken);

        await using var connection = await OpenAsync("postgres", cancellationToken);
        if (!await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", cancellationToken))
        {
            throw new InvalidOperationException("The standby started but is not in recovery.");
        }
    }

    /// <summary>
    /// On a standby, pauses WAL replay (<c>pg_wal_replay_pause()</c>); returns once the pause has taken effect, so
    /// nothing committed on the primary from now on becomes visible here until <see cref="ResumeReplayAsync"/>.
    /// WAL is still received meanwhile (see <see cref="ReceiveLsnAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the request and the wait for the pause.</param>
    public async Task PauseReplayAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync("postgres", cancellationToken);
        await ScalarAsync<object>(connection, "SELECT pg_wal_replay_pause()", cancellationToken);
        while (await ScalarAsync<string>(connection, "SELECT pg_get_wal_replay_pause_state()", cancellationToken) != "paused")
        {
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>On a standby, resumes WAL replay paused by <see cref="PauseReplayAsync"/> (<c>pg_wal_replay_resume()</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task ResumeReplayAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync("postgres", cancellationToken);
        await ScalarAsync<object>(connection, "SELECT pg_wal_replay_resume()", cancellationToken);
    }

    /// <summary>On a standby, the end of the last WAL record replayed (<c>pg_last_wal_replay_lsn()</c>); null before any.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<NpgsqlLogSequenceNumber?> ReplayLsnAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync("postgres", cancellationToken);
        return await ScalarAsync<NpgsqlLogSequenceNumber?>(connection, "SELECT pg_last_wal_replay_lsn()", cancellationToken);
    }

    /// <summary>On a standby, how far WAL has been received and flushed here (<c>pg_last_wal_receive_lsn()</c>), replayed or not; null before any.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<NpgsqlLogSequenceNumber?> ReceiveLsnAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync("postgres", cancellationToken);
        return await ScalarAsync<NpgsqlLogSequenceNumber?>(connection, "SELECT pg_last_wal_receive_lsn()", cancellationToken);
    }

    /// <summary>On a primary, its current WAL write position (<c>pg_current_wal_lsn()</c>): after a commit, at or past its commit record.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<NpgsqlLogSequenceNumber> CurrentWalLsnAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync("postgres", cancellationToken);
        return await ScalarAsync<NpgsqlLogSequenceNumber>(connection, "SELECT pg_current_wal_lsn()", cancellationToken);
    }

    /// <summary>
    /// On a primary, waits until <paramref name="standby"/> has replayed everything written here so far (this server's
    /// <c>pg_current_wal_lsn()</c> when called), so whatever was committed before the call is visible on the standby.
    /// Polls until then; <paramref name="cancellationToken"/> bounds the wait (the exception names both positions).
    /// </summary>
    /// <param name="standby">A standby of this server.</param>
    /// <param name="cancellationToken">Bounds the wait.</param>
    public async Task WaitForReplayAsync(PostgresServer standby, CancellationToken cancellationToken)
    {
        var target = await CurrentWalLsnAsync(cancellationToken);
        await using var connection = await standby.OpenAsync("postgres", cancellationToken);
        NpgsqlLogSequenceNumber? replayed = null;
        try
        {
            while ((replayed = await ScalarAsync<NpgsqlLogSequenceNumber?>(connection, "SELECT pg_last_wal_replay_lsn()", cancellationToken)) is not { } lsn
                   || lsn < target)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(
                $"The standby on port {standby.Port} had replayed WAL to {replayed?.ToString() ?? "nothing"}, not yet to {target}.",
                cancellationToken);
        }
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null ? default! : (T)value;
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
