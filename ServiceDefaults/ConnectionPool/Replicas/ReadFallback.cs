using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Why a read that could have gone to a replica read the primary.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ReadFallback>))]
public enum ReadFallback
{
    /// <summary>A replica served it, or there are none.</summary>
    None,

    /// <summary>Every replica lagged by more than <c>ReadReplicas:MaxLagSeconds</c>.</summary>
    Lagging,

    /// <summary>Every replica was stopped, unreachable, or failed the read.</summary>
    Down,

    /// <summary>No replica had replayed the client's <c>Listings-Consistency</c> token within <c>ReadReplicas:CatchUpMilliseconds</c>.</summary>
    NotReplayed,
}
