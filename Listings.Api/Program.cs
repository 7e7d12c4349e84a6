using Listings.Api.Auth;
using Listings.Api.Caching;
using Listings.Api.Commands;
using Listings.Api.Data;
using Listings.Api.Errors;
using Listings.Api.FairShare;
using Listings.Api.Listings;
using Listings.Api.Reference;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Options;

if (await ApiCommands.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddServiceDefaults();
    await builder.AddListingsDataAsync();
    builder.AddDatabaseAdmission();
    builder.AddListingsAuth();
    builder.AddFairShare();
    builder.AddListingCache();
    builder.AddListingsApi();

    builder.Services.AddErrorHandling();
    builder.Services.AddOpenApi(options => options.AddBearerSecurityScheme());

    app = builder.Build();
    // The ValidateOnStart checks, here rather than inside the host's start, where a failure comes with a stack trace.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (Exception error) when (error is ConnectionPlanException or OptionsValidationException)
{
    // Configuration to change: the message names the key and the fix; a stack trace would only bury it.
    await Console.Error.WriteLineAsync(error.Message);
    return 1;
}

app.UseForwardedHeaders();
app.UseDrainOnStop();
app.UseRequestStart();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseFairShare();
app.UseOutputCache();

app.MapOpenApi();
app.MapApiReference();
app.MapListingsApi();
app.MapDefaultEndpoints();

app.Run();
return 0;
