using System.Net;
using System.Net.Sockets;

namespace Listings.Testing;

/// <summary>
/// A loopback TCP proxy in front of a server that can stall new connections while the ones already open keep working:
/// the shape of a pooler whose idle pool was shut down (Supavisor's cold start takes 12-93 s). A stalled connection is
/// accepted at once (the client's TCP connect succeeds) and is joined to the server only when the stall is over, so the
/// client waits in its login, as it does behind a cold pooler. Listens on 127.0.0.1 only.
/// </summary>
public sealed class ConnectStallProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _stallOver = Over();
    private TimeSpan? _stallFor;
    private int _accepted;
    private int _stalled;
    private Task _acceptLoop = Task.CompletedTask;

    private ConnectStallProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
    }

    /// <summary>Gets the port clients connect to, on 127.0.0.1.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets the number of client connections accepted since start.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Gets the number of client connections that arrived during a stall.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    /// <summary>Starts the proxy in front of <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    /// <param name="targetHost">The server's host.</param>
    /// <param name="targetPort">The server's port.</param>
    public static ConnectStallProxy Start(string targetHost, int targetPort)
    {
        var proxy = new ConnectStallProxy(targetHost, targetPort);
        proxy._listener.Start();
        proxy._acceptLoop = proxy.AcceptLoopAsync();
        return proxy;
    }

    /// <summary>
    /// From now on, holds every new connection for <paramref name="delay"/> before joining it to the server, or until
    /// <see cref="Resume"/> when <paramref name="delay"/> is null. Connections already joined are not touched.
    /// </summary>
    /// <param name="delay">How long each new connection waits; null for as long as the stall lasts.</param>
    public void StallNewConnections(TimeSpan? delay)
    {
        lock (_lock)
        {
            if (_stallOver.Task.IsCompleted)
            {
                _stallOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _stallFor = delay;
        }
    }

    /// <summary>Ends the stall: connections waiting in it are joined now, new ones at once.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _stallOver.TrySetResult();
        }
    }

    /// <summary>The proxy's address as a server connection string takes it: host and port replaced.</summary>
    /// <param name="connectionString">A keyword connection string to the server.</param>
    public string Redirect(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Resume();
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections.Append(_acceptLoop).Select(task => task.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stopping.Dispose();
    }

    private static TaskCompletionSource Over()
    {
        var over = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        over.SetResult();
        return over;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            Task stall;
            TimeSpan? stallFor;
            lock (_lock)
            {
                stall = _stallOver.Task;
                stallFor = _stallFor;
                _connections.RemoveAll(task => task.IsCompleted);
                _connections.Add(ServeAsync(client, stall, stallFor));
            }
        }
    }

    private async Task ServeAsync(Socket client, Task stall, TimeSpan? stallFor)
    {
        using var _ = client;
        try
        {
            if (!stall.IsCompleted)
            {
                Interlocked.Increment(ref _stalled);
                var waits = stallFor is { } delay ? Task.WhenAny(stall, Task.Delay(delay, _stopping.Token)) : stall;
                await waits.WaitAsync(_stopping.Token);
            }

            using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await server.ConnectAsync(_targetHost, _targetPort, _stopping.Token);
            client.NoDelay = true;
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            await Task.WhenAny(PipeAsync(client, server, done.Token), PipeAsync(server, client, done.Token));
            await done.CancelAsync();
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client gave up, the server went away, or the proxy stops: the connection ends, as it would at a pooler.
        }
    }

    private static async Task PipeAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Either side closed.
        }
        finally
        {
            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }
}
