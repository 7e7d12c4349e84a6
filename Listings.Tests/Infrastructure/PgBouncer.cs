using System.Diagnostics;
using Npgsql;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A real PgBouncer in transaction mode in front of a PostgreSQL database, on a loopback port of its own: the kind of
/// transaction pooler Supabase runs (Supavisor on :6543, or the dedicated PgBouncer). <c>.ci/run</c> installs it.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    /// <summary>Server connections PgBouncer opens per database and user: fewer than the API's pool, as on Supabase.</summary>
    public const int ServerPoolSize = 5;

    private readonly string _directory;
    private readonly ProcessOutput _process;
    private readonly string _password;

    private PgBouncer(string directory, ProcessOutput process, int port, string password)
    {
        _directory = directory;
        _process = process;
        Port = port;
        _password = password;
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>
    /// Starts PgBouncer for the database of <paramref name="serverConnectionString"/>, with the same user and password
    /// (SCRAM between client and PgBouncer, and between PgBouncer and the server).
    /// </summary>
    public static async Task<PgBouncer> StartAsync(string serverConnectionString)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var directory = Directory.CreateTempSubdirectory("listings-pgbouncer-").FullName;
        var port = FreePort.Next();

        await File.WriteAllTextAsync(Path.Combine(directory, "userlist.txt"), $"\"{server.Username}\" \"{server.Password}\"\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "pgbouncer.ini"), $"""
            [databases]
            {server.Database} = host={server.Host} port={server.Port} dbname={server.Database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {directory}/userlist.txt
            admin_users = {server.Username}
            pool_mode = transaction
            default_pool_size = {ServerPoolSize}
            max_client_conn = 500
            ignore_startup_parameters = extra_float_digits,options,search_path
            """);

        // PgBouncer refuses to run as root: run it as the postgres system user, as the AppHost runs PostgreSQL.
        var asRoot = Environment.IsPrivilegedProcess;
        if (asRoot)
        {
            await Run("chown", "-R", "postgres:", directory);
        }

        var start = new ProcessStartInfo(asRoot ? "setpriv" : Binary());
        if (asRoot)
        {
            foreach (var argument in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", Binary() })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(Path.Combine(directory, "pgbouncer.ini"));
        var bouncer = new PgBouncer(directory, ProcessOutput.Start(start), port, server.Password!);
        await bouncer._process.WaitUntilListeningAsync(port, "PgBouncer");
        return bouncer;
    }

    /// <summary>The connection string a client uses: PgBouncer's port, the server's database, user and password.</summary>
    public string ClientConnectionString(string serverConnectionString) =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Runs a command on PgBouncer's admin console (simple protocol only, hence psql) and returns its rows.</summary>
    public async Task<List<string[]>> AdminAsync(string command, string user)
    {
        var start = new ProcessStartInfo("psql");
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", user, "-d", "pgbouncer", "-At", "-F", "|", "-c", command })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = _password;
        await using var psql = ProcessOutput.Start(start);
        var exitCode = await psql.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exitCode == 0, $"psql '{command}' failed: {psql.Text}");
        return psql.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim().Split('|')).ToList();
    }

    private static string Binary() =>
        new[] { "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer", "/opt/homebrew/bin/pgbouncer" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("PgBouncer is not installed: 'apt-get install pgbouncer' (.ci/run does it).");

    private static async Task Run(string program, params string[] arguments)
    {
        await using var process = ProcessOutput.Start(new ProcessStartInfo(program, arguments));
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
