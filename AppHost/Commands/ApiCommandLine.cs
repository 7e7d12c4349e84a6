using System.Diagnostics;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Listings.AppHost.Commands;

/// <summary>
/// Runs one of the API's command-line modes (<c>db-info</c>, <c>migrate</c>) as a process with the environment the AppHost
/// gives a resource, so a dashboard command sees the configuration that resource runs with.
/// </summary>
public static class ApiCommandLine
{
    // Commands wait for the whole run: a large seed takes minutes.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    /// <summary>The API as built next to this AppHost, in the same configuration.</summary>
    public static string AssemblyPath { get; } = Path.Combine(
        Path.GetDirectoryName(new Projects.Listings_Api().ProjectPath)!, "bin",
        typeof(ApiCommandLine).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
        "net10.0", "Listings.Api.dll");

    /// <summary>Runs <c>Listings.Api</c> with <paramref name="arguments"/> and the environment of <paramref name="resource"/>.</summary>
    /// <returns>The exit code and the output, standard error included, in order.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        IResource resource, IEnumerable<string> arguments, IServiceProvider services, CancellationToken cancellationToken)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, cancellationToken)
            .ConfigureAwait(false);
        if (configuration.Exception is { } error)
        {
            throw new InvalidOperationException($"The environment of {resource.Name} could not be resolved.", error);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
        };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The AppHost's own database settings are not the resource's.
        foreach (var inherited in start.Environment.Keys.Where(IsDatabaseSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in configuration.EnvironmentVariables)
        {
            start.Environment[key] = value;
        }

        // A one-shot run sends no telemetry: its output is the command's result.
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new StringBuilder();
        void Append(object _, DataReceivedEventArgs line)
        {
            if (line.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(line.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString().TrimEnd());
        }
    }

    private static bool IsDatabaseSetting(string key) =>
        key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionPool__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)
        || key.Equals("DATABASE_URL", StringComparison.OrdinalIgnoreCase);
}
