using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>What a planned host serves.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ConnectionRole>))]
public enum ConnectionRole
{
    /// <summary>Every write, the idempotency records, migrations, and the reads no replica can serve.</summary>
    Primary,

    /// <summary>A streaming standby (<c>ConnectionStrings:&lt;name&gt;-read</c>) that serves the public reads.</summary>
    ReadReplica,
}
