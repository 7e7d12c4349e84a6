using Listings.AppHost;
using Listings.AppHost.Database;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddListingsDatabase();
var jwtSecret = builder.AddJwtSecret();
var supabaseUrl = builder.AddSupabaseUrl();

builder.AddProject<Projects.Listings_Api>("api")
    .WithReplicas(builder.Configuration.GetValue("Api:Replicas", 1))
    .WithConnectionPoolPolicy()
    .WithReference(database)
    .WaitFor(database)
    .WithJwtSecret(jwtSecret)
    .WithSupabaseUrl(supabaseUrl)
    .WithSeedData()
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
