using System.Text.Json;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// An SMTP server of the lab (the lab Postfix listens there unless <c>lab.sh mx-stop</c> stopped it):
/// its MX host name and address, the port to listen on, its certificate files, the mail domains whose
/// mail goes to it, and its MX preference in each domain whose MX RRset names it.
/// </summary>
public sealed record LabMxServer(
    string Host,
    string Address,
    int ListenPort,
    string Chain,
    string Key,
    IReadOnlyList<string> Domains,
    IReadOnlyDictionary<string, int> MxPreferences)
{
    /// <summary>Reads every server with the <c>smtp</c> service from the root element of lab.json.</summary>
    internal static List<LabMxServer> ParseAll(JsonElement root)
    {
        var zones = root.GetProperty("zones").EnumerateArray().ToList();
        var servers = new List<LabMxServer>();
        foreach (var server in root.GetProperty("servers").EnumerateArray())
        {
            if (server.GetProperty("service").GetString() != "smtp")
            {
                continue;
            }

            var host = server.GetProperty("host").GetString()!;
            var address = server.GetProperty("address").GetString()!;
            servers.Add(new LabMxServer(
                host,
                address,
                server.GetProperty("listenPort").GetInt32(),
                server.GetProperty("chain").GetString()!,
                server.GetProperty("key").GetString()!,
                [.. zones.Where(zone => RoutesTo(zone, host, address)).Select(zone => zone.GetProperty("domain").GetString()!)],
                MxPreferencesOf(zones, host)));
        }

        return servers;
    }

    // lab.json has no table of which host receives a domain's mail. But the dig checks of each zone
    // query that host's name or return its address. They ask for the MX host's A record, for the A
    // record behind a CNAME (cname.example), or for the host itself when the MX RRset is bogus or absent.
    private static bool RoutesTo(JsonElement zone, string host, string address) =>
        zone.GetProperty("checks").EnumerateArray().Any(check =>
            check.GetProperty("name").GetString() == host ||
            check.GetProperty("answer").EnumerateArray().Any(answer => answer.GetString() == address));

    private static Dictionary<string, int> MxPreferencesOf(List<JsonElement> zones, string host)
    {
        var preferences = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var zone in zones)
        {
            foreach (var mx in zone.GetProperty("mx").EnumerateArray())
            {
                if (mx.GetProperty("host").GetString() == host)
                {
                    preferences[zone.GetProperty("domain").GetString()!] = mx.GetProperty("preference").GetInt32();
                }
            }
        }

        return preferences;
    }
}
