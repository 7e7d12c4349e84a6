using Listings.Api.Auth;
using Listings.Api.Caching;
using Listings.Api.Consistency;
using Listings.Api.Data;
using Listings.Api.FairShare;
using Listings.Api.Idempotency;
using Listings.Api.Input;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

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
            .RequireFairShare()
            .RequireDatabaseAdmission()
            .AddEndpointFilter<StorableTextFilter>()
            .WithTags("Listings")
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/", GetListings)
            .WithName(nameof(GetListings))
            .WithSummary("List listings, newest first")
            .WithDescription("Returns one page of listings ordered by creation time, newest first, optionally filtered by exact city and by price range.")
            .ProducesValidationProblem()
            .AddOpenApiOperationTransformer(ListingQueryOpenApi.DescribeQueryParameters)
            .AddOpenApiOperationTransformer(ConsistencyTokenOpenApi.DescribeReadHeader)
            .CacheListingReads();

        api.MapGet("/{id}", GetListing)
            .WithName(nameof(GetListing))
            .WithSummary("Get a listing")
            .WithDescription("Returns the listing with the given id.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer(ConsistencyTokenOpenApi.DescribeReadHeader)
            .CacheListingReads();

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
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer(ConsistencyTokenOpenApi.DescribeWriteHeader);

        return app;
    }

    private static RouteHandlerBuilder WithBodyRules(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBodyBytes))
        .AddOpenApiOperationTransformer(IdempotencyKeyOpenApi.DescribeHeader)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .AddOpenApiOperationTransformer(ConsistencyTokenOpenApi.DescribeWriteHeader);

    private static async Task<Results<GeneratedJsonOk<ListingPage>, ValidationProblem>> GetListings(
        HttpContext http, [AsParameters] ListingReads reads, CancellationToken cancellationToken)
    {
        var errors = ListingQueryParser.Parse(http.Request.Query, out var query);
        if (!ConsistencyToken.TryRead(http.Request, out var after))
        {
            errors[ConsistencyToken.HeaderName] = [ConsistencyToken.Rule];
        }

        return query is null || errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : new GeneratedJsonOk<ListingPage>(await reads.PageAsync(http, query, after, cancellationToken), ListingsJsonContext.Default.ListingPage);
    }

    private static async Task<Results<GeneratedJsonOk<ListingResponse>, ValidationProblem, ProblemHttpResult>> GetListing(
        long id, HttpContext http, [AsParameters] ListingReads reads, CancellationToken cancellationToken)
    {
        if (!ConsistencyToken.TryRead(http.Request, out var after))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ConsistencyToken.HeaderName] = [ConsistencyToken.Rule] });
        }

        var listing = await reads.FindAsync(http, id, after, cancellationToken);
        return listing is null ? ListingProblems.NotFound(id) : new GeneratedJsonOk<ListingResponse>(ListingResponse.From(listing), ListingsJsonContext.Default.ListingResponse);
    }

    private static Task<Results<Created<ListingResponse>, ValidationProblem, ProblemHttpResult>> CreateListing(
        ListingRequest request, HttpContext http, [AsParameters] ListingsServices services, CancellationToken cancellationToken) =>
        WriteOnceAsync(
            new(request, http, (owner, token) => services.Db.AddListingAsync(owner, request, services.Clock, token)),
            services, listing => TypedResults.Created($"{RoutePrefix}/{listing.Id}", listing), cancellationToken);

    private static Task<Results<Ok<ListingResponse>, ValidationProblem, ProblemHttpResult>> UpdateListing(
        long id, ListingRequest request, HttpContext http, [AsParameters] ListingsServices services, CancellationToken cancellationToken) =>
        WriteOnceAsync(
            new(request, http, (owner, token) => services.Db.ReplaceListingAsync(id, owner, request, services.Clock, token)),
            services, TypedResults.Ok, cancellationToken);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteListing(
        long id, HttpContext http, [AsParameters] ListingsServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Db.DeleteListingAsync(id, CurrentUser.Id(http.User), services.Clock, cancellationToken);
        if (outcome is not ListingWrite.Deleted)
        {
            return ListingProblems.For(outcome);
        }

        await AnswerWrittenAsync(http, services, CacheEviction.CreatedOrDeleted(id), cancellationToken);
        return TypedResults.NoContent();
    }

    // A create or an update: the body and the Idempotency-Key checked together (one 400 names every fault), the write
    // run once per key, the answer shaped by the endpoint, the same way for a repeat.
    private static async Task<Results<TWritten, ValidationProblem, ProblemHttpResult>> WriteOnceAsync<TWritten>(
        ListingWriteRequest write, ListingsServices services, Func<ListingResponse, TWritten> answer, CancellationToken cancellationToken)
        where TWritten : IResult
    {
        var errors = ListingRequestValidator.Validate(write.Body);
        if (!IdempotencyKey.TryRead(write.Http.Request, out var key))
        {
            errors[IdempotencyKey.HeaderName] = [IdempotencyKey.Rule];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The owner comes from the token only: the body has no owner member (an unknown member is a 400).
        var owner = CurrentUser.Id(write.Http.User);
        var outcome = await services.Writer.RunOnceAsync(
            new IdempotentWrite<ListingWrite, ListingResponse>(
                owner, key, IdempotencyKey.Fingerprint(write.Http.Request, write.Body), token => write.Run(owner, token),
                static result => (result as ListingWrite.Written)?.Listing),
            cancellationToken);

        switch (outcome)
        {
            case Idempotent<ListingWrite, ListingResponse>.Ran(ListingWrite.Written(var listing, var evicts)):
                await AnswerWrittenAsync(write.Http, services, evicts, cancellationToken);
                return answer(listing);
            case Idempotent<ListingWrite, ListingResponse>.Ran(var refusal):
                return ListingProblems.For(refusal);
            case Idempotent<ListingWrite, ListingResponse>.Replayed(var first):
                if (key is not null)
                {
                    write.Http.Response.Headers[IdempotencyKey.ReplayedHeaderName] = "true";
                }

                // The first answer's write committed before the record that replays it: the position now is past it.
                await AnswerWithPositionAsync(write.Http, services, cancellationToken);
                return answer(first);
            default:
                return ListingProblems.KeyReused();
        }
    }

    // The token of the primary's position after the write committed: a read that sends it back sees the write.
    private static async Task<NpgsqlTypes.NpgsqlLogSequenceNumber> AnswerWithPositionAsync(HttpContext http, ListingsServices services, CancellationToken cancellationToken)
    {
        var position = await ReadRouter<ListingsDbContext>.PrimaryPositionAsync(services.Db, cancellationToken);
        http.Response.Headers[ConsistencyToken.HeaderName] = ConsistencyToken.Format(position);
        return position;
    }

    // A write: its token, and what it made stale evicted from this replica's cache before the answer (the others hear the
    // write's notification at commit).
    private static async Task AnswerWrittenAsync(HttpContext http, ListingsServices services, CacheEviction evicts, CancellationToken cancellationToken) =>
        await services.Cache.EvictAsync(evicts, await AnswerWithPositionAsync(http, services, cancellationToken), "local", CancellationToken.None);

    // What a create or an update brings: the body, its request, and the write to run for the token's user.
    private sealed record ListingWriteRequest(ListingRequest Body, HttpContext Http, Func<Guid, CancellationToken, Task<ListingWrite>> Run);
}
