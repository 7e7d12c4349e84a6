using System.Diagnostics;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// Runs the built Listings.Api as its own process on a loopback port, configured through environment variables as a
/// deployment would be: for tests that need the service in front of something the AppHost does not model (a
/// PgBouncer), or need its exit code and console output. Its JWT secret is <see cref="TestAuth.Secret"/>.
/// </summary>
public static class ApiProcess
{
    /// <summary>The built API, in the configuration these tests were built in.</summary>
    public static string AssemblyPath => Path.Combine(RepositoryPaths.Root, "Listings.Api", "bin", RepositoryPaths.Configuration, "net10.0", "Listings.Api.dll");

    /// <summary>
    /// Starts the API with <paramref name="environment"/> (where an empty value removes the variable) and the given
    /// arguments; it listens on <paramref name="port"/> if it serves.
    /// </summary>
    public static ProcessOutput Start(IReadOnlyDictionary<string, string> environment, int port, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(AssemblyPath)! };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing from the test runner's environment may configure the database behind the test's back.
        foreach (var inherited in start.Environment.Keys.Where(key =>
            key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("ConnectionPool__", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase)
            || key.Equals("DATABASE_URL", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DatabaseInitialization__SeedCount"] = "0";
        start.Environment["Auth__JwtSecret"] = TestAuth.Secret;
        foreach (var (key, value) in environment)
        {
            if (value.Length == 0)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        return ProcessOutput.Start(start);
    }

    /// <summary>Starts the API on a free port and waits until it is healthy; returns it with a client for it, signed in as a fresh user.</summary>
    public static async Task<(ProcessOutput Api, HttpClient Client)> StartHealthyAsync(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort.Next();
        var api = Start(environment, port);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) }.SignIn();
        try
        {
            await WaitUntilHealthyAsync(api, client, TimeSpan.FromSeconds(90));
            return (api, client);
        }
        catch
        {
            // The caller never gets the process to dispose: stop it here, or it outlives the test run.
            client.Dispose();
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <paramref name="path"/> until the API answers it at all, whatever the status, or fails with the process output.</summary>
    public static async Task<HttpResponseMessage> FirstAnswerAsync(ProcessOutput api, HttpClient client, string path, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline;)
        {
            Assert.False(api.Process.HasExited, $"The API exited:\n{api.Text}");
            try
            {
                return await client.GetAsync(path);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        Assert.Fail($"The API never answered {path}:\n{api.Text}");
        return null!;
    }

    /// <summary>Polls <c>/health</c> until it answers 200, or fails with the process output.</summary>
    public static async Task WaitUntilHealthyAsync(ProcessOutput api, HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(api.Process.HasExited, $"The API exited with {(api.Process.HasExited ? api.Process.ExitCode : 0)}:\n{api.Text}");
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"The API was not healthy within {timeout}:\n{api.Text}");
    }
}
