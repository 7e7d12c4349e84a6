using System.Diagnostics;

namespace Listings.AppHost.Database;

/// <summary>
/// Asks whether a container runtime answers. A <c>docker</c> client alone is not enough: the engine must reply,
/// or Aspire would wait for a container that never starts.
/// </summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>True when the configured runtime (else docker, then podman) answers <c>info</c> in time.</summary>
    public static bool IsAvailable(string? configuredRuntime)
    {
        string[] candidates = string.IsNullOrWhiteSpace(configuredRuntime) ? ["docker", "podman"] : [configuredRuntime];
        return candidates.Any(Answers);
    }

    private static bool Answers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });

            if (process is null)
            {
                return false;
            }

            // Drain both streams so a chatty client cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();

            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The client is not installed.
            return false;
        }
    }
}
