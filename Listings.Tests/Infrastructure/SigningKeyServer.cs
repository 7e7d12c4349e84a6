using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A stand-in for a Supabase project's Auth on a loopback port: serves the public halves of its
/// <see cref="SigningKey"/>s at <c>/auth/v1/.well-known/jwks.json</c>, as a real HTTP server, so the API under test
/// fetches, caches and refreshes them exactly as it would from Supabase. Keys can be added while it runs (a rotation).
/// </summary>
public sealed class SigningKeyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SigningKey> _published = new();
    private int _fetches;
    private bool _stopped;

    private SigningKeyServer(WebApplication app) => _app = app;

    /// <summary>The project URL to give the API as <c>Auth__SupabaseUrl</c>: <c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string ProjectUrl { get; private set; } = "";

    /// <summary>The issuer the project's tokens carry.</summary>
    public string Issuer => ProjectUrl + "/auth/v1";

    /// <summary>How many times the key set was asked for.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Starts the server on a free loopback port, publishing <paramref name="keys"/>.</summary>
    public static async Task<SigningKeyServer> StartAsync(params SigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new SigningKeyServer(builder.Build());
        foreach (var key in keys)
        {
            server.Publish(key);
        }

        server._app.MapGet("/auth/v1/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref server._fetches);
            return Results.Json(new { keys = server._published.Values.OrderBy(key => key.Kid).Select(key => key.PublicJwk()) });
        });
        await server._app.StartAsync();
        server.ProjectUrl = server._app.Urls.Single().TrimEnd('/');
        return server;
    }

    /// <summary>Adds <paramref name="key"/> to the published set, as a rotation's new standby key.</summary>
    public void Publish(SigningKey key) => _published[key.Kid] = key;

    /// <summary>A token as the project's Auth issues to a signed-in user, signed with <paramref name="key"/>.</summary>
    public string TokenFor(SigningKey key, Guid userId) => key.Sign(Payload(userId));

    /// <summary>A Supabase-shaped payload for <paramref name="userId"/> from this project, valid for an hour from now.</summary>
    public Dictionary<string, object> Payload(Guid userId)
    {
        var payload = ForgedTokens.Payload(userId.ToString());
        payload["iss"] = Issuer;
        return payload;
    }

    /// <summary>Stops answering: the port refuses connections from now on.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}
