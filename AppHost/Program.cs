using Listings.AppHost;
using Listings.AppHost.Commands;
using Listings.AppHost.Database;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddListingsDatabase();
var jwtSecret = builder.AddJwtSecret();
var supabaseUrl = builder.AddSupabaseUrl();

var migrations = builder.AddMigrationRunner(database);

var api = builder.AddProject<Projects.Listings_Api>("api")
    .WithReplicas(builder.Configuration.GetValue("Api:Replicas", 1))
    .WithConnectionPoolPolicy()
    .WithListingsDatabase(database, migrations)
    .WithJwtSecret(jwtSecret)
    .WithSupabaseUrl(supabaseUrl)
    .WithApiReference()
    .WithConnectionCommands()
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    .WithoutHttpsCertificate();

database.LocalServer?.WithResetCommand(api, migrations);

builder.Build().Run();
