using System.Text.Json.Serialization;
using Listings.Api.Data;
using Listings.Api.Idempotency;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Listings.Api.Listings;

/// <summary>Registers what the listings endpoints need besides the database.</summary>
public static class ListingsApiExtensions
{
    /// <summary>
    /// Makes request binding strict (unknown, missing and <c>null</c> members and numbers as strings are refused) and every
    /// binding failure a <see cref="BadHttpRequestException"/>, answered with problem details in every environment.
    /// </summary>
    public static TBuilder AddListingsApi<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.RespectNullableAnnotations = true;
            options.SerializerOptions.RespectRequiredConstructorParameters = true;
            // The web defaults accept numbers written as strings; a wrong type must be a 400 like any other.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // First in the chain: the answers use generated code, every other type reflection.
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ListingsJsonContext.Default);
        });

        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ListingCountCache>();
        builder.Services.AddScoped(services => new IdempotentWriter(services.GetRequiredService<ListingsDbContext>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IdempotencyKeyPurger>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IdempotencyKeyPurger>());

        return builder;
    }
}
