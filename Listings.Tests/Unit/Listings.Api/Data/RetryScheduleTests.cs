using Listings.Api.Data;

namespace Listings.Tests.Unit;

public sealed class RetryScheduleTests
{
    private static readonly RetrySchedule Defaults = new(new DatabaseRetryOptions());

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 150)]
    [InlineData(3, 450)]
    public void DefaultPausesStartAt50MillisecondsAndTripleWithoutJitterAtTheMiddle(int retry, double expectedMilliseconds) =>
        Assert.Equal(expectedMilliseconds, Defaults.Next(retry, TimeSpan.Zero, random: 0.5)!.Value.TotalMilliseconds, precision: 6);

    [Theory]
    [InlineData(0.0, 40)]
    [InlineData(0.999999, 60)]
    public void JitterStaysWithinTwentyPercent(double random, double expectedMilliseconds) =>
        Assert.Equal(expectedMilliseconds, Defaults.Next(1, TimeSpan.Zero, random)!.Value.TotalMilliseconds, precision: 2);

    [Fact]
    public void NoRetryPastTheCount() => Assert.Null(Defaults.Next(4, TimeSpan.Zero, 0.5));

    [Fact]
    public void NoRetryWhosePauseWouldEndPastTheBudget()
    {
        // 450 ms more after 400 ms would end at 850 ms, past the 800 ms budget.
        Assert.Null(Defaults.Next(3, TimeSpan.FromMilliseconds(400), 0.5));
        Assert.NotNull(Defaults.Next(3, TimeSpan.FromMilliseconds(300), 0.5));
    }

    [Fact]
    public void TimeAlreadySpentQueuedCountsAgainstTheBudget() =>
        Assert.Null(Defaults.Next(1, TimeSpan.FromMilliseconds(790), 0.5));

    [Fact]
    public void PausesAreCappedAtTheLongestPauseJitterIncluded()
    {
        var schedule = new RetrySchedule(new DatabaseRetryOptions
        {
            MaxRetryCount = 10, FirstRetryDelayMilliseconds = 500, MaxRetryDelaySeconds = 1, RetryBudgetMilliseconds = 60_000,
        });

        Assert.Equal(TimeSpan.FromSeconds(1), schedule.Next(5, TimeSpan.Zero, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.Next(5, TimeSpan.Zero, 0.999999));
    }

    [Theory]
    [InlineData(nameof(DatabaseRetryOptions.MaxRetryCount), -1, "DatabaseRetry:MaxRetryCount is -1")]
    [InlineData(nameof(DatabaseRetryOptions.FirstRetryDelayMilliseconds), 20_000, "DatabaseRetry:FirstRetryDelayMilliseconds is 20000")]
    [InlineData(nameof(DatabaseRetryOptions.MaxRetryDelaySeconds), 0, "DatabaseRetry:MaxRetryDelaySeconds is 0")]
    [InlineData(nameof(DatabaseRetryOptions.RetryBudgetMilliseconds), -5, "DatabaseRetry:RetryBudgetMilliseconds is -5")]
    public void OutOfRangeOptionsAreRefusedNamingTheirKey(string property, int value, string expected)
    {
        var options = new DatabaseRetryOptions();
        typeof(DatabaseRetryOptions).GetProperty(property)!.SetValue(options, value);

        Assert.Contains(DatabaseRetryOptionsValidator.Check(options), failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultOptionsAreValid() => Assert.Empty(DatabaseRetryOptionsValidator.Check(new DatabaseRetryOptions()));
}
