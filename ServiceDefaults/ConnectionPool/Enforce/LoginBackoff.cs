using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Stops connecting for a while after a refused login: Supavisor bans a client address after repeated failed logins,
/// and every request, health probe and retry would try again. The pause doubles with each refusal in a row; when it is
/// over, one attempt goes through, so a password fixed meanwhile is picked up.
/// </summary>
public sealed partial class LoginBackoff(LoginBackoffOptions options, TimeProvider time)
{
    // While the one attempt after a pause runs, the others are told to come back in a second.
    private static readonly TimeSpan TrialRetryAfter = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private int _refusals;
    private long _generation;
    private DateTimeOffset _until;
    private bool _trialRunning;
    private Exception? _lastRefusal;
    private ILogger _logger = NullLogger.Instance;

    // A pause that began before the app's logging existed (a login refused at start), logged once the logger is attached.
    private Action? _unlogged;

    /// <summary>Logs through <paramref name="logger"/>: the backoff is made before the app's logging exists.</summary>
    public LoginBackoff WithLogger(ILogger<LoginBackoff> logger)
    {
        lock (_lock)
        {
            _logger = logger;
            Interlocked.Exchange(ref _unlogged, null)?.Invoke();
        }

        return this;
    }

    /// <summary>A permission to connect, from <see cref="Enter"/>, for <see cref="Succeeded"/> or <see cref="Failed"/>.</summary>
    /// <param name="Generation">The state when the attempt started: a burst of refusals counts once.</param>
    /// <param name="Trial">True for the one attempt after a pause.</param>
    public readonly record struct Attempt(long Generation, bool Trial);

    /// <summary>Refusals in a row.</summary>
    public int Refusals
    {
        get
        {
            lock (_lock)
            {
                return _refusals;
            }
        }
    }

    /// <summary>The time left in the current pause, or null when connecting is allowed.</summary>
    public TimeSpan? Remaining
    {
        get
        {
            lock (_lock)
            {
                var left = _until - time.GetUtcNow();
                return _refusals > 0 && left > TimeSpan.Zero ? left : null;
            }
        }
    }

    /// <summary>True for the problems that are a refused login.</summary>
    public static bool IsLoginRefusal(ConnectionProblemKind kind) =>
        kind is ConnectionProblemKind.WrongPassword or ConnectionProblemKind.UnknownPoolerUser or ConnectionProblemKind.NotAllowed;

    /// <summary>The pause after <paramref name="refusals"/> refusals in a row.</summary>
    public static TimeSpan Pause(int refusals, LoginBackoffOptions options) =>
        TimeSpan.FromSeconds(Math.Min(options.LoginBackoffMaxSeconds, options.LoginBackoffSeconds * Math.Pow(2, Math.Min(refusals - 1, 30))));

    /// <summary>Allows an attempt, or throws while a pause lasts.</summary>
    /// <exception cref="LoginBackoffException">Connecting is paused.</exception>
    public Attempt Enter()
    {
        lock (_lock)
        {
            if (_refusals == 0)
            {
                return new Attempt(_generation, Trial: false);
            }

            var left = _until - time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                throw new LoginBackoffException(left, _lastRefusal!);
            }

            if (_trialRunning)
            {
                throw new LoginBackoffException(TrialRetryAfter, _lastRefusal!);
            }

            _trialRunning = true;
            return new Attempt(_generation, Trial: true);
        }
    }

    /// <summary>The attempt connected.</summary>
    public void Succeeded(Attempt attempt)
    {
        lock (_lock)
        {
            if (_refusals > 0)
            {
                LogAccepted(_refusals);
            }

            _refusals = 0;
            _generation++;
            _trialRunning = false;
            _lastRefusal = null;
        }
    }

    /// <summary>The attempt failed: after a refused login, the exception to throw instead of <paramref name="error"/>; else null.</summary>
    public LoginBackoffException? Failed(Attempt attempt, Exception error)
    {
        var kind = ConnectionProblemClassifier.FindConnectionProblem(error)?.Kind;
        lock (_lock)
        {
            if (attempt.Trial)
            {
                _trialRunning = false;
            }

            if (kind is not { } refused || !IsLoginRefusal(refused))
            {
                return null;
            }

            // Attempts that started together fail together: the first to report starts the pause, the rest join it.
            if (attempt.Generation == _generation)
            {
                _generation++;
                _refusals++;
                _lastRefusal = error;
                var pause = Pause(_refusals, options);
                _until = time.GetUtcNow() + pause;
                var (name, seconds, count) = (refused.ToName(), pause.TotalSeconds, _refusals);
                if (_logger == NullLogger.Instance)
                {
                    _unlogged = () => LogPaused(name, seconds, count);
                }
                else
                {
                    LogPaused(name, seconds, count);
                }
            }

            return new LoginBackoffException(_until - time.GetUtcNow(), _lastRefusal!);
        }
    }

    /// <summary>A refused login seen outside the pool (at start): starts the pause like <see cref="Failed"/>.</summary>
    public void Refused(Exception error)
    {
        Attempt current;
        lock (_lock)
        {
            current = new Attempt(_generation, Trial: false);
        }

        Failed(current, error);
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Database login refused ({Problem}): no connection is tried for {PauseSeconds} s (refusal {Refusals} in a row);"
            + " requests answer 503 with Retry-After meanwhile")]
    private partial void LogPaused(string problem, double pauseSeconds, int refusals);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database login accepted again after {Refusals} refusals")]
    private partial void LogAccepted(int refusals);
}
