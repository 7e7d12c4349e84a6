using Listings.Api.Auth;
using Listings.Api.Data;
using Listings.Api.Errors;
using Listings.Api.Listings;
using Listings.ServiceDefaults.ConnectionPool;

if (DbInfoCommand.IsInvocation(args))
{
    return await DbInfoCommand.RunAsync(args, ListingsDataExtensions.ConnectionName, Console.Out);
}

if (TokenCommand.IsInvocation(args))
{
    return await TokenCommand.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddListingsData();
builder.AddDatabaseAdmission();
builder.AddListingsAuth();
builder.AddListingsApi();

builder.Services.AddErrorHandling();
builder.Services.AddOpenApi(options => options.AddBearerSecurityScheme());

var app = builder.Build();

app.UseRequestStart();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapListingsApi();
app.MapDefaultEndpoints();

app.Run();
return 0;
