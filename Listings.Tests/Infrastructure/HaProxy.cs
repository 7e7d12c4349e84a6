using System.Diagnostics;
using System.Globalization;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A real HAProxy load balancer in front of API replicas on loopback ports, as a deployment puts one: round robin, a
/// readiness probe of <c>GET /health</c> every <see cref="ProbeInterval"/> that drops a replica at its first failed answer
/// (a late answer is not a failure) and takes it back after two successes, and no connection kept open to a replica between requests. <c>.ci/run</c> installs it.
/// </summary>
public sealed class HaProxy : IAsyncDisposable
{
    /// <summary>How often HAProxy probes each replica.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    private readonly string _directory;
    private readonly ProcessOutput _process;

    private HaProxy(string directory, ProcessOutput process, int port)
    {
        _directory = directory;
        _process = process;
        Port = port;
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Everything HAProxy logged (state changes of the replicas).</summary>
    public string Text => _process.Text;

    /// <summary>Starts HAProxy in front of the replicas listening on <paramref name="replicaPorts"/> of 127.0.0.1.</summary>
    public static async Task<HaProxy> StartAsync(IEnumerable<int> replicaPorts)
    {
        var directory = Directory.CreateTempSubdirectory("listings-haproxy-").FullName;
        var port = FreePort.Next();
        var servers = string.Join("\n", replicaPorts.Select((replica, i) => $"    server api{i} 127.0.0.1:{replica} check"));
        var interval = ((int)ProbeInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 2000
                log stderr format raw local0 notice

            defaults
                mode http
                log global
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                # A probe answered late (two cores under load) is not a failed one; a 503 is.
                timeout check 5s
                option http-server-close

            frontend api
                bind 127.0.0.1:{port}
                default_backend replicas

            backend replicas
                balance roundrobin
                option httpchk GET /health
                http-check expect status 200
                default-server inter {interval} fall 1 rise 2
            {servers}

            """);

        var start = new ProcessStartInfo(Binary());
        foreach (var argument in new[] { "-db", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        var proxy = new HaProxy(directory, ProcessOutput.Start(start), port);
        await proxy._process.WaitUntilListeningAsync(port, "HAProxy");
        return proxy;
    }

    private static string Binary() =>
        new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy", "/opt/homebrew/bin/haproxy" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("HAProxy is not installed: 'apt-get install haproxy' (.ci/run does it).");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
