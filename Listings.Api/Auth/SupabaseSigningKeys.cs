using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Listings.Api.Auth;

/// <summary>
/// The public signing keys of the Supabase project at <c>Auth:SupabaseUrl</c>, kept by the JWT handler's own
/// <see cref="ConfigurationManager{T}"/>: fetched on first use, on a schedule, and when a token names an unknown
/// <c>kid</c>. A failed fetch keeps the keys it had. No OpenID discovery: the URL gives the issuer, and some Supabase
/// versions serve no discovery document.
/// </summary>
internal sealed class SupabaseSigningKeys : IConfigurationRetriever<OpenIdConnectConfiguration>, IDisposable
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new() { Timeout = FetchTimeout };
    private readonly TimeProvider _clock;
    private readonly TimeSpan _minimumRefresh;
    private readonly string? _issuer;
    private volatile SigningKeySetStatus _status = SigningKeySetStatus.NeverFetched;

    public SupabaseSigningKeys(IOptions<JwtAuthOptions> options, TimeProvider clock)
    {
        _clock = clock;
        var settings = options.Value;
        _minimumRefresh = TimeSpan.FromSeconds(settings.JwksMinimumRefreshSeconds);
        if (string.IsNullOrWhiteSpace(settings.SupabaseUrl))
        {
            return;
        }

        _issuer = SupabaseAuthUrls.Issuer(settings.SupabaseUrl);
        Address = SupabaseAuthUrls.SigningKeys(settings.SupabaseUrl);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var retriever = new HttpDocumentRetriever(_http) { RequireHttps = new Uri(Address).Scheme == Uri.UriSchemeHttps };
        Manager = new ConfigurationManager<OpenIdConnectConfiguration>(Address, this, retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromSeconds(settings.JwksRefreshIntervalSeconds),
            RefreshInterval = _minimumRefresh,
        };
    }

    /// <summary>The JWKS address; null when <c>Auth:SupabaseUrl</c> is not set.</summary>
    public string? Address { get; }

    /// <summary>The manager the JWT handler reads the keys from; null when <c>Auth:SupabaseUrl</c> is not set.</summary>
    public ConfigurationManager<OpenIdConnectConfiguration>? Manager { get; }

    /// <summary>The key count and age, and the last error.</summary>
    public SigningKeySetStatus Status => _status;

    /// <summary>Fetches and parses the key set; called by <see cref="Manager"/> only.</summary>
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var status = _status;
        var now = _clock.GetUtcNow();
        // The manager retries a failed first fetch on every token: an outage must not become a flood of fetches.
        if (status.LastErrorAt is { } failedAt && now - failedAt < _minimumRefresh)
        {
            throw new SigningKeysUnavailableException(status.LastError!);
        }

        try
        {
            var keySet = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
            var configuration = new OpenIdConnectConfiguration { Issuer = _issuer, JwksUri = address, JsonWebKeySet = keySet };
            foreach (var key in keySet.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            _status = status with { KeyCount = configuration.SigningKeys.Count, FetchedAt = now, LastError = null, LastErrorAt = null };
            return configuration;
        }
        catch (Exception error) when (error is IOException or HttpRequestException or ArgumentException or OperationCanceledException)
        {
            _status = status with { LastError = Describe(error), LastErrorAt = now };
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    // Words of its own: /health answers anyone, and a response body has no place there.
    private static string Describe(Exception error)
    {
        if (error.Data[HttpDocumentRetriever.StatusCode] is { } status)
        {
            return $"the key endpoint answered HTTP {(int)status}";
        }

        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case HttpRequestException request:
                    return $"the key endpoint could not be reached ({request.HttpRequestError})";
                case TimeoutException or TaskCanceledException:
                    return $"the key endpoint did not answer within {FetchTimeout.TotalSeconds:0} s";
            }
        }

        return error is ArgumentException
            ? "the key endpoint's answer is not a JSON Web Key Set"
            : $"the key set could not be fetched ({error.GetType().Name})";
    }
}
