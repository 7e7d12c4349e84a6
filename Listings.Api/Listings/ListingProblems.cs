using Microsoft.AspNetCore.Http.HttpResults;

namespace Listings.Api.Listings;

/// <summary>Every problem details answer of the listings handlers.</summary>
public static class ListingProblems
{
    /// <summary>404: there is no listing with <paramref name="id"/>.</summary>
    public static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Listing not found",
        detail: $"There is no listing with id {id}.");

    /// <summary>403: the listing belongs to another user.</summary>
    public static ProblemHttpResult NotOwner(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Not the owner",
        detail: $"The listing with id {id} belongs to another user: only its owner may change or delete it.");

    /// <summary>422: the <c>Idempotency-Key</c> came before with a different request.</summary>
    public static ProblemHttpResult KeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency-Key reused",
        detail: "This Idempotency-Key was already used for a different request: send a new key with a new request.");

    /// <summary>The answer to a write that wrote nothing.</summary>
    /// <exception cref="ArgumentException"><paramref name="refusal"/> is a write that happened.</exception>
    public static ProblemHttpResult For(ListingWrite refusal) => refusal switch
    {
        ListingWrite.NotFound(var id) => NotFound(id),
        ListingWrite.NotOwner(var id) => NotOwner(id),
        _ => throw new ArgumentException($"{refusal.GetType().Name} is not a refusal.", nameof(refusal)),
    };
}
