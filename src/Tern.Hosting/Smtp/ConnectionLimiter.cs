using System.Net;

namespace Tern.Hosting.Smtp;

/// <summary>Counts open SMTP connections in total and per client address, shared by all listeners.</summary>
internal sealed class ConnectionLimiter(int maxConnections, int maxConnectionsPerClient)
{
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private readonly Lock _lock = new();
    private int _total;

    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>Takes a slot for <paramref name="client"/>, or returns the reason it cannot.</summary>
    public bool TryAcquire(IPAddress client, out string? rejection)
    {
        lock (_lock)
        {
            if (_total >= maxConnections)
            {
                rejection = "too many connections";
                return false;
            }

            _perClient.TryGetValue(client, out var count);
            if (count >= maxConnectionsPerClient)
            {
                rejection = $"too many connections from {client}";
                return false;
            }

            _perClient[client] = count + 1;
            _total++;
            rejection = null;
            return true;
        }
    }

    public void Release(IPAddress client)
    {
        lock (_lock)
        {
            _total--;
            if (_perClient.TryGetValue(client, out var count) && count > 1)
            {
                _perClient[client] = count - 1;
            }
            else
            {
                _perClient.Remove(client);
            }
        }
    }
}
