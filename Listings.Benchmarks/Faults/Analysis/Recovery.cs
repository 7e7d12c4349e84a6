using Listings.Benchmarks.Faults.Load;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>How quickly the API served again once PostgreSQL accepted connections.</summary>
/// <param name="ServerBackAtSeconds">When the server accepted connections again, on the scenario's clock.</param>
/// <param name="FirstSuccessSeconds">
/// From the server being back to the first successful answer of a request sent after that moment; null if none.
/// </param>
/// <param name="SteadySeconds">
/// From the server being back to the last failed answer; from then on every answer succeeded. 0 when no request failed
/// after the server was back.
/// </param>
/// <param name="ErrorsAfterBack">Failed answers that arrived after the server was back.</param>
public sealed record Recovery(double ServerBackAtSeconds, double? FirstSuccessSeconds, double SteadySeconds, int ErrorsAfterBack)
{
    /// <summary>Measures the recovery in <paramref name="records"/>.</summary>
    /// <param name="records">Every request of the scenario.</param>
    /// <param name="serverBackAt">When the server accepted connections again.</param>
    public static Recovery Of(IReadOnlyCollection<RequestRecord> records, double serverBackAt)
    {
        var firstSuccess = records.Where(r => r.Succeeded && r.StartSeconds >= serverBackAt)
            .Select(r => r.EndSeconds - serverBackAt).DefaultIfEmpty(double.NaN).Min();
        var failuresAfter = records.Where(r => !r.Succeeded && r.EndSeconds > serverBackAt).ToList();
        var steady = failuresAfter.Count == 0 ? 0 : failuresAfter.Max(r => r.EndSeconds) - serverBackAt;
        return new Recovery(
            Math.Round(serverBackAt, 3),
            double.IsNaN(firstSuccess) ? null : Math.Round(firstSuccess, 3),
            Math.Round(steady, 3),
            failuresAfter.Count);
    }
}
