namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>
/// One way of configuring the API: keywords appended to its connection string (they win over the service's own
/// pool policy) and extra environment variables.
/// </summary>
/// <param name="Name">The name printed in the report.</param>
/// <param name="ConnectionKeywords">Npgsql keywords appended to the connection string, or empty.</param>
/// <param name="Environment">Extra environment variables for the API.</param>
public sealed record ApiSetting(string Name, string ConnectionKeywords, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The name of the service's own policy setting.</summary>
    public const string PolicyName = "policy";

    // Settings that model the systems before the policy keep Aspire's stock EF Core retry (6 retries, up to 30 s
    // apart) and no admission limit. Today's API ignores these keys; an API that knows them gets them explicitly.
    private static readonly Dictionary<string, string> Unprotected = new()
    {
        ["DatabaseRetry__MaxRetryCount"] = "6",
        ["DatabaseRetry__MaxRetryDelaySeconds"] = "30",
        // EF Core's own schedule (0, 1, 3, 7 … s), as Aspire's stock setting has it: no retry budget.
        ["DatabaseRetry__RetryBudgetMilliseconds"] = "0",
        ["Admission__Enabled"] = "false",
    };

    /// <summary>
    /// The four settings of the storm, in report order. <c>Max Auto Prepare=0</c> on the first three is stock
    /// Npgsql's own default, written out because the policy would otherwise turn auto-prepare on for them.
    /// </summary>
    public static IReadOnlyList<ApiSetting> StormSettings { get; } =
    [
        new("original-before", "Maximum Pool Size=5;Timeout=30;Max Auto Prepare=0", Unprotected),
        new("original-after", "Maximum Pool Size=20;Timeout=60;Max Auto Prepare=0", Unprotected),
        new("aspire-stock", "Maximum Pool Size=100;Timeout=15;Max Auto Prepare=0;Connection Idle Lifetime=300;Connection Lifetime=3600", Unprotected),
        Policy(),
    ];

    /// <summary>The service's own policy, optionally with the pool size forced (for the sweep).</summary>
    /// <param name="maxPoolSize">A pool size to force, or null for the policy's own.</param>
    public static ApiSetting Policy(int? maxPoolSize = null)
    {
        var environment = new Dictionary<string, string> { ["Admission__Enabled"] = "true" };
        if (maxPoolSize is null)
        {
            return new ApiSetting(PolicyName, "", environment);
        }

        // The connection-string keyword wins over ConnectionPool:MaxPoolSize; both are set so an API that sizes
        // its admission limit from the option sees the same number.
        environment["ConnectionPool__MaxPoolSize"] = maxPoolSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ApiSetting($"{PolicyName} pool {maxPoolSize}", $"Maximum Pool Size={maxPoolSize}", environment);
    }
}
