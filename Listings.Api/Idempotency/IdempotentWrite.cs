namespace Listings.Api.Idempotency;

/// <summary>A write to run at most once per key of its user.</summary>
/// <typeparam name="TResult">What the write returns: an answer, or why it wrote nothing.</typeparam>
/// <typeparam name="TAnswer">The answer of a write that happened, remembered with the key.</typeparam>
/// <param name="OwnerId">The user sending it: keys are per user.</param>
/// <param name="ClientKey">The client's <c>Idempotency-Key</c>; null runs the write under a key of its own.</param>
/// <param name="Fingerprint">What a repeat must match (<see cref="IdempotencyKey.Fingerprint"/>).</param>
/// <param name="Run">The write; runs again if the service retries it.</param>
/// <param name="AnswerOf">The answer to remember; null when nothing was written, so the key is not spent.</param>
public sealed record IdempotentWrite<TResult, TAnswer>(
    Guid OwnerId, string? ClientKey, string Fingerprint, Func<CancellationToken, Task<TResult>> Run, Func<TResult, TAnswer?> AnswerOf)
    where TAnswer : class;

/// <summary>What running a write once per key came to; the subtypes below are the only ones.</summary>
/// <typeparam name="TResult">What the write returns.</typeparam>
/// <typeparam name="TAnswer">The answer of a write that happened.</typeparam>
public abstract record Idempotent<TResult, TAnswer>
{
    private Idempotent()
    {
    }

    /// <summary>The key was new and the write ran.</summary>
    /// <param name="Result">What the write returned.</param>
    public sealed record Ran(TResult Result) : Idempotent<TResult, TAnswer>;

    /// <summary>A repeat: nothing was written.</summary>
    /// <param name="Answer">The first write's answer, read back.</param>
    public sealed record Replayed(TAnswer Answer) : Idempotent<TResult, TAnswer>;

    /// <summary>The key came before with a different request: nothing was written.</summary>
    public sealed record KeyReused : Idempotent<TResult, TAnswer>;
}
