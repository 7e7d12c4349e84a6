using Listings.Api.Auth;
using Listings.Api.Data;
using Listings.Api.Errors;
using Listings.Api.Listings;
using Listings.Api.Reference;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Options;

if (DbInfoCommand.IsInvocation(args))
{
    return await DbInfoCommand.RunAsync(args, ListingsDataExtensions.ConnectionName, Console.Out);
}

if (MigrateCommand.IsInvocation(args))
{
    return await MigrateCommand.RunAsync(args);
}

if (TokenCommand.IsInvocation(args))
{
    return await TokenCommand.RunAsync(args, Console.Out, Console.Error);
}

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddServiceDefaults();
    builder.AddListingsData();
    builder.AddDatabaseAdmission();
    builder.AddListingsAuth();
    builder.AddListingsApi();

    builder.Services.AddErrorHandling();
    builder.Services.AddOpenApi(options => options.AddBearerSecurityScheme());

    app = builder.Build();
    // The ValidateOnStart checks, now rather than inside the host's start, where a failure comes with a stack trace.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (Exception error) when (error is ConnectionPlanException or ConnectionStringFormatException or OptionsValidationException)
{
    // Configuration to change: the message names the key and the fix; a stack trace would only bury it.
    await Console.Error.WriteLineAsync(error.Message);
    return 1;
}

if (!await app.ReportConnectionPlanAsync())
{
    return 1;
}

app.UseRequestStart();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapApiReference();
app.MapListingsApi();
app.MapDefaultEndpoints();

app.Run();
return 0;
