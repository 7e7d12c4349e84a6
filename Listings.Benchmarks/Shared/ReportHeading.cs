using System.Text;

namespace Listings.Benchmarks;

/// <summary>The opening every Markdown report shares: its title, the run's facts and, when the run broke, why.</summary>
public static class ReportHeading
{
    /// <summary>Starts a report with its heading.</summary>
    /// <param name="title">The report's title.</param>
    /// <param name="quick">True for a <c>--quick</c> run, which the title says.</param>
    /// <param name="facts">The paragraph on the machine and the run's settings.</param>
    /// <param name="failure">What ended the run early, or null.</param>
    /// <returns>The report so far, to append the rest to.</returns>
    public static StringBuilder Start(string title, bool quick, string facts, string? failure)
    {
        var text = new StringBuilder().AppendLine($"# {title}{(quick ? " (--quick)" : "")}").AppendLine().AppendLine(facts);
        if (failure is not null)
        {
            text.AppendLine().AppendLine($"**The run did not finish: {failure}**");
        }

        return text;
    }
}
