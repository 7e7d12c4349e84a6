using System.Security.Claims;
using Listings.Api.Auth;
using Listings.Api.Data;
using Listings.Api.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Listings;

/// <summary>The <c>/api/v1/listings</c> endpoints.</summary>
public static class ListingsApi
{
    /// <summary>The path every listings endpoint sits under.</summary>
    public const string RoutePrefix = "/api/v1/listings";

    /// <summary>The largest request body accepted: a listing at its longest is well under 32 KiB of JSON.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Maps the list, read, create, update and delete endpoints.</summary>
    /// <param name="app">The application's route builder.</param>
    public static IEndpointRouteBuilder MapListingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(RoutePrefix)
            .RequireDatabaseAdmission()
            .WithTags("Listings")
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/", GetListings)
            .WithName(nameof(GetListings))
            .WithSummary("List listings, newest first")
            .WithDescription("Returns one page of listings ordered by creation time, newest first, optionally filtered by exact city and by price range.")
            .ProducesValidationProblem()
            .AddOpenApiOperationTransformer(ListingQueryOpenApi.DescribeQueryParameters);

        api.MapGet("/{id}", GetListing)
            .WithName(nameof(GetListing))
            .WithSummary("Get a listing")
            .WithDescription("Returns the listing with the given id.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/", CreateListing)
            .WithName(nameof(CreateListing))
            .WithSummary("Create a listing")
            .WithDescription("Creates a listing owned by the token's user and returns it with its id, owner and timestamps; the Location header points at it.")
            .RequireWriteAccess()
            .WithBodyRules();

        api.MapPut("/{id}", UpdateListing)
            .WithName(nameof(UpdateListing))
            .WithSummary("Replace a listing")
            .WithDescription("Replaces every member of the listing with the given id and returns it. Only the listing's owner may.")
            .RequireWriteAccess()
            .WithBodyRules()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id}", DeleteListing)
            .WithName(nameof(DeleteListing))
            .WithSummary("Delete a listing")
            .WithDescription("Deletes the listing with the given id. Only the listing's owner may.")
            .RequireWriteAccess()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static RouteHandlerBuilder WithBodyRules(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBodyBytes))
        .AddOpenApiOperationTransformer(IdempotencyKeyOpenApi.DescribeHeader)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<Results<Ok<ListingPage>, ValidationProblem>> GetListings(
        HttpRequest request, ListingsDbContext db, ListingCountCache counts, CancellationToken cancellationToken)
    {
        var errors = ListingQueryParser.Parse(request.Query, out var query);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await db.GetListingPageAsync(query, counts, cancellationToken));
    }

    private static async Task<Results<Ok<ListingResponse>, ProblemHttpResult>> GetListing(
        long id, ListingsDbContext db, CancellationToken cancellationToken)
    {
        var listing = await ListingsDbContext.FindListingAsync(db, id, cancellationToken);
        return listing is null ? NotFound(id) : TypedResults.Ok(ListingResponse.From(listing));
    }

    private static async Task<Results<Created<ListingResponse>, ValidationProblem, ProblemHttpResult>> CreateListing(
        ListingRequest request, ClaimsPrincipal user, HttpContext http, ListingsDbContext db, TimeProvider clock, ListingCountCache counts,
        CancellationToken cancellationToken)
    {
        if (Invalid(request, http.Request, out var key) is { } invalid)
        {
            return invalid;
        }

        // The owner comes from the token only: the body has no owner member (an unknown member is a 400).
        var owner = CurrentUser.Id(user);

        async Task<ListingWrite> Write(CancellationToken token)
        {
            var now = Now(clock);
            var listing = new Listing { OwnerId = owner, CreatedAt = now };
            request.ApplyTo(listing, now);
            db.Listings.Add(listing);
            await db.SaveChangesAsync(token);
            return ListingWrite.Written(ListingResponse.From(listing));
        }

        var outcome = await WriteOnceAsync(http, owner, key, request, db, clock, StatusCodes.Status201Created, Write, cancellationToken);
        if (outcome.Conflict)
        {
            return KeyReused();
        }

        counts.Invalidate();
        return TypedResults.Created(LocationOf(outcome.Listing!), outcome.Listing);
    }

    private static async Task<Results<Ok<ListingResponse>, ValidationProblem, ProblemHttpResult>> UpdateListing(
        long id, ListingRequest request, ClaimsPrincipal user, HttpContext http, ListingsDbContext db, TimeProvider clock,
        ListingCountCache counts, CancellationToken cancellationToken)
    {
        if (Invalid(request, http.Request, out var key) is { } invalid)
        {
            return invalid;
        }

        var owner = CurrentUser.Id(user);

        async Task<ListingWrite> Write(CancellationToken token)
        {
            var listing = await db.Listings.FirstOrDefaultAsync(l => l.Id == id, token);
            if (listing is null)
            {
                return ListingWrite.NotFound;
            }

            if (listing.OwnerId != owner)
            {
                return ListingWrite.NotOwner;
            }

            request.ApplyTo(listing, Now(clock));
            await db.SaveChangesAsync(token);
            return ListingWrite.Written(ListingResponse.From(listing));
        }

        var outcome = await WriteOnceAsync(http, owner, key, request, db, clock, StatusCodes.Status200OK, Write, cancellationToken);
        if (outcome.Conflict)
        {
            return KeyReused();
        }

        if (outcome.Listing is null)
        {
            return outcome.StatusCode == StatusCodes.Status403Forbidden ? NotOwner(id) : NotFound(id);
        }

        counts.Invalidate();
        return TypedResults.Ok(outcome.Listing);
    }

    private static ValidationProblem? Invalid(ListingRequest request, HttpRequest http, out string? key)
    {
        var errors = ListingRequestValidator.Validate(request);
        if (!IdempotencyKey.TryRead(http, out key))
        {
            errors[IdempotencyKey.HeaderName] = [IdempotencyKey.Rule];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
    }

    /// <summary>
    /// Runs the write once per Idempotency-Key, the client's or else one of the request's own, replaying the first answer
    /// on a repeat.
    /// </summary>
    private static async Task<IdempotentWrite.Outcome> WriteOnceAsync(
        HttpContext http, Guid owner, string? key, ListingRequest request, ListingsDbContext db, TimeProvider clock, int successStatus,
        Func<CancellationToken, Task<ListingWrite>> write, CancellationToken cancellationToken)
    {
        // Without a client key the write still runs under a key of its own: when the service retries a write whose
        // commit went through but whose answer was lost (a connection broken at that moment), the retry finds the key and
        // returns the first answer instead of writing a second listing.
        var outcome = await IdempotentWrite.RunAsync(
            db, owner, key ?? IdempotencyKey.NewServerKey(), IdempotentWrite.Fingerprint(http.Request, request), successStatus, LocationOf,
            write, clock, cancellationToken);
        if (outcome.Replayed && key is not null)
        {
            http.Response.Headers[IdempotencyKey.ReplayedHeaderName] = "true";
        }

        return outcome;
    }

    private static string LocationOf(ListingResponse listing) => $"{RoutePrefix}/{listing.Id}";

    private static ProblemHttpResult KeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency-Key reused",
        detail: "This Idempotency-Key was already used for a different request: send a new key with a new request.");

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteListing(
        long id, ClaimsPrincipal user, ListingsDbContext db, ListingCountCache counts, CancellationToken cancellationToken)
    {
        var owner = CurrentUser.Id(user);
        var tries = 0;
        var deleted = await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            tries++;
            return await db.Listings.Where(l => l.Id == id && l.OwnerId == owner).ExecuteDeleteAsync(token);
        }, cancellationToken);

        if (deleted == 0)
        {
            // Nothing of this user's had that id: either another user's listing has it, or nothing does.
            if (await db.Listings.AnyAsync(l => l.Id == id, cancellationToken))
            {
                return NotOwner(id);
            }

            // Gone after a retry: the try whose answer was lost (a connection broken as it committed) deleted it, and
            // the listing is absent as asked. Answering 404 would tell the client its delete failed.
            if (tries == 1)
            {
                return NotFound(id);
            }
        }

        counts.Invalidate();
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Listing not found",
        detail: $"There is no listing with id {id}.");

    private static ProblemHttpResult NotOwner(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Not the owner",
        detail: $"The listing with id {id} belongs to another user: only its owner may change or delete it.");

    // timestamptz keeps microseconds: truncating here makes the timestamps a write returns equal to
    // the ones a later read returns.
    private static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
