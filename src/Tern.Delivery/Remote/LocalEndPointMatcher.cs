using System.Net;
using System.Net.NetworkInformation;

namespace Tern.Delivery.Remote;

/// <summary>Decides whether an address and port reach one of Tern's own SMTP listeners.</summary>
internal sealed class LocalEndPointMatcher
{
    private readonly IReadOnlyList<IPEndPoint> _endPoints;
    private readonly Lazy<HashSet<IPAddress>> _interfaceAddresses = new(LoadInterfaceAddresses);

    public LocalEndPointMatcher(IEnumerable<IPEndPoint> endPoints)
    {
        ArgumentNullException.ThrowIfNull(endPoints);
        _endPoints = [.. endPoints.Select(e => new IPEndPoint(Normalize(e.Address), e.Port))];
    }

    public bool IsLocal(IPAddress address, int port)
    {
        var normalized = Normalize(address);
        foreach (var endPoint in _endPoints)
        {
            if (endPoint.Port != port)
            {
                continue;
            }

            if (endPoint.Address.Equals(normalized))
            {
                return true;
            }

            var wildcard = endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any);
            if (wildcard && (IPAddress.IsLoopback(normalized) || _interfaceAddresses.Value.Contains(normalized)))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static HashSet<IPAddress> LoadInterfaceAddresses()
    {
        var addresses = new HashSet<IPAddress>();
        try
        {
            foreach (var networkInterface in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in networkInterface.GetIPProperties().UnicastAddresses)
                {
                    addresses.Add(Normalize(unicast.Address));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // NOTE: without the interface list only loopback addresses match a wildcard listener.
        }

        return addresses;
    }
}
