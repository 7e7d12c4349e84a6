namespace Listings.Api.Idempotency;

/// <summary>One write to run at most once per key of its user, and how to tell what it answered.</summary>
/// <typeparam name="TResult">What the write returns: an answer, or why it wrote nothing.</typeparam>
/// <typeparam name="TAnswer">What a write that happened answers with: remembered with the key, replayed to a repeat.</typeparam>
/// <param name="OwnerId">The user sending it: keys are per user, so two users' keys never meet.</param>
/// <param name="ClientKey">The client's <c>Idempotency-Key</c>, or null: the write then runs under a key of its own.</param>
/// <param name="Fingerprint">What a repeat must match (<see cref="IdempotencyKey.Fingerprint"/>).</param>
/// <param name="Run">The write: saves its changes, runs again if the service retries it.</param>
/// <param name="AnswerOf">The answer to remember, or null when the write wrote nothing (the key is then not spent).</param>
public sealed record IdempotentWrite<TResult, TAnswer>(
    Guid OwnerId, string? ClientKey, string Fingerprint, Func<CancellationToken, Task<TResult>> Run, Func<TResult, TAnswer?> AnswerOf)
    where TAnswer : class;

/// <summary>What running a write once per key came to: the subtypes below are the only ones.</summary>
/// <typeparam name="TResult">What the write returns.</typeparam>
/// <typeparam name="TAnswer">What a write that happened answers with.</typeparam>
public abstract record Idempotent<TResult, TAnswer>
{
    private Idempotent()
    {
    }

    /// <summary>The key was new: the write ran, and <paramref name="Result"/> is what it returned.</summary>
    /// <param name="Result">What the write returned.</param>
    public sealed record Ran(TResult Result) : Idempotent<TResult, TAnswer>;

    /// <summary>A repeat: the first write's answer, read back; nothing was written.</summary>
    /// <param name="Answer">The first answer.</param>
    public sealed record Replayed(TAnswer Answer) : Idempotent<TResult, TAnswer>;

    /// <summary>The key came before with a different request: nothing was written.</summary>
    public sealed record KeyReused : Idempotent<TResult, TAnswer>;
}
