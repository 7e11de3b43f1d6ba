namespace Tern.Delivery.Remote;

/// <summary>How one connection attempt ended, which decides what the agent tries next.</summary>
internal enum AttemptStatus
{
    /// <summary>The server took part in a mail transaction; its replies are final for this attempt.</summary>
    Completed,

    /// <summary>The connection failed or broke; the next address of the same host may work.</summary>
    NextAddress,

    /// <summary>The host refused the session, the transaction or the TLS requirement; try the next host.</summary>
    NextHost,

    /// <summary>Opportunistic TLS failed; retry the same address in plaintext on a new connection.</summary>
    RetryWithoutTls,
}
