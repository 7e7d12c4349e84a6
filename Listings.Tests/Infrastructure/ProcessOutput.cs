using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Listings.Tests.Infrastructure;

/// <summary>Starts a process with its output captured line by line, for tests that read what a user would see.</summary>
public sealed class ProcessOutput : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();

    private ProcessOutput(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The running process.</summary>
    public Process Process { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Text => string.Join(Environment.NewLine, _lines);

    /// <summary>Starts <paramref name="start"/> (its streams are redirected here).</summary>
    public static ProcessOutput Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return new ProcessOutput(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}."));
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cts.Token);
        Process.WaitForExit(); // flushes the asynchronous output readers
        return Process.ExitCode;
    }

    /// <summary>Waits until the process listens on <paramref name="port"/> of 127.0.0.1, or fails with its output.</summary>
    public async Task WaitUntilListeningAsync(int port, string name)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            Assert.False(Process.HasExited, $"{name} exited: {Text}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        Assert.Fail($"{name} did not listen on {port}: {Text}");
    }

    /// <summary>Sends SIGTERM, as a process manager (systemd, Kubernetes, Aspire's Stop) asks a service to stop.</summary>
    public void Terminate()
    {
        if (Kill(Process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({Process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}
