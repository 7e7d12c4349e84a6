using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class LoginBackoffTests
{
    private static readonly LoginBackoffOptions Options = new() { LoginBackoffSeconds = 5, LoginBackoffMaxSeconds = 60 };

    [Theory]
    // refusals in a row => pause in seconds
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 60)]
    [InlineData(40, 60)]
    public void ThePauseDoublesWithEachRefusalUpToAMinute(int refusals, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoginBackoff.Pause(refusals, Options));

    [Fact]
    public void ARefusedLoginPausesEveryAttemptAndTellsTheTimeLeft()
    {
        var clock = new SteppingClock();
        var backoff = new LoginBackoff(Options, clock);

        var paused = backoff.Failed(backoff.Enter(), WrongPassword());

        Assert.Equal(TimeSpan.FromSeconds(5), paused!.RetryAfter);
        clock.Advance(TimeSpan.FromSeconds(2));
        var blocked = Assert.Throws<LoginBackoffException>(() => backoff.Enter());
        Assert.Equal(TimeSpan.FromSeconds(3), blocked.RetryAfter);
        Assert.Equal(ConnectionProblemKind.WrongPassword, ConnectionProblemClassifier.FindConnectionProblem(blocked)?.Kind);
        Assert.Same(blocked, ConnectionProblemClassifier.FindTransient(blocked));
    }

    [Fact]
    public void AttemptsThatFailTogetherCountAsOneRefusal()
    {
        var backoff = new LoginBackoff(Options, new SteppingClock());
        var attempts = Enumerable.Range(0, 10).Select(_ => backoff.Enter()).ToList();

        foreach (var attempt in attempts)
        {
            backoff.Failed(attempt, WrongPassword());
        }

        Assert.Equal(1, backoff.Refusals);
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Remaining);
    }

    [Fact]
    public void AfterThePauseOneAttemptGoesThroughAndItsSuccessEndsTheBackoff()
    {
        var clock = new SteppingClock();
        var backoff = new LoginBackoff(Options, clock);
        backoff.Refused(WrongPassword());
        clock.Advance(TimeSpan.FromSeconds(5));

        var trial = backoff.Enter();
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Throws<LoginBackoffException>(() => backoff.Enter()).RetryAfter);
        backoff.Succeeded(trial);

        Assert.Equal(0, backoff.Refusals);
        Assert.Null(backoff.Remaining);
        backoff.Enter();
    }

    [Fact]
    public void AFailedTrialDoublesThePauseAndOtherFailuresDoNotPause()
    {
        var clock = new SteppingClock();
        var backoff = new LoginBackoff(Options, clock);
        Assert.Null(backoff.Failed(backoff.Enter(), new NpgsqlException("Exception while connecting", new System.Net.Sockets.SocketException(111))));
        Assert.Null(backoff.Remaining);

        backoff.Refused(WrongPassword());
        clock.Advance(TimeSpan.FromSeconds(5));
        var paused = backoff.Failed(backoff.Enter(), WrongPassword());

        Assert.Equal(2, backoff.Refusals);
        Assert.Equal(TimeSpan.FromSeconds(10), paused!.RetryAfter);
    }

    private static PostgresException WrongPassword() =>
        new("password authentication failed for user \"postgres\"", "FATAL", "FATAL", PostgresErrorCodes.InvalidPassword);

    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
