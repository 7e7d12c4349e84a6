using Listings.Api.Data;
using Listings.Api.Errors;
using Listings.Api.Listings;
using Listings.ServiceDefaults.ConnectionPool;

if (DbInfoCommand.IsInvocation(args))
{
    return await DbInfoCommand.RunAsync(args, ListingsDataExtensions.ConnectionName, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddListingsData();
builder.AddDatabaseAdmission();
builder.AddListingsApi();

builder.Services.AddErrorHandling();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseRequestStart();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
app.MapListingsApi();
app.MapDefaultEndpoints();

app.Run();
return 0;
