namespace Listings.Benchmarks;

/// <summary>The machine and software versions.</summary>
public sealed class MachineFacts
{
    /// <summary>Gets or sets the UTC time the run started.</summary>
    public DateTimeOffset StartedUtc { get; set; }

    /// <summary>Gets or sets the logical processor count.</summary>
    public int Cores { get; set; }

    /// <summary>Gets or sets the processor model.</summary>
    public string Cpu { get; set; } = "";

    /// <summary>Gets or sets the operating system description.</summary>
    public string Os { get; set; } = "";

    /// <summary>Gets or sets the .NET runtime description.</summary>
    public string Runtime { get; set; } = "";

    /// <summary>Gets or sets the PostgreSQL server version.</summary>
    public string PostgreSql { get; set; } = "";

    /// <summary>Gets or sets the Npgsql version the benchmark itself uses.</summary>
    public string Npgsql { get; set; } = "";

    /// <summary>Gets or sets the commit of the measured source tree.</summary>
    public string Commit { get; set; } = "";

    /// <summary>Gets or sets the total run time in seconds.</summary>
    public double RunSeconds { get; set; }
}
