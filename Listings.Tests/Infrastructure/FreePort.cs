using System.Net;
using System.Net.Sockets;

namespace Listings.Tests.Infrastructure;

/// <summary>Finds a TCP port on the loopback interface that nothing listens on right now.</summary>
public static class FreePort
{
    /// <summary>A port the operating system just handed out and released.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
