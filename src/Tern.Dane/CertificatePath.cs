namespace Tern.Dane;

/// <summary>Builds the issuer path of a presented chain and validates it up to a trust anchor.</summary>
internal static class CertificatePath
{
    // Longer chains do not occur in practice; the bound keeps a hostile server from making the client loop.
    private const int MaxDepth = 10;

    /// <summary>
    /// Orders the presented certificates from the leaf up by issuer name, because RFC 8446 section 4.4.2
    /// asks clients to accept the certificates after the first in any order. Certificates off the path are dropped.
    /// </summary>
    public static List<ChainCertificate> Build(IReadOnlyList<ChainCertificate> presented)
    {
        var path = new List<ChainCertificate> { presented[0] };
        var remaining = presented.Skip(1).ToList();
        var current = presented[0];
        while (!current.IsSelfIssued && path.Count < MaxDepth)
        {
            var issuers = remaining.Where(current.IsIssuedBy).ToList();
            var issuer = issuers.FirstOrDefault(c => current.IsSignedBy(c.PublicKey)) ?? issuers.FirstOrDefault();
            if (issuer is null)
            {
                break;
            }

            path.Add(issuer);
            remaining.Remove(issuer);
            current = issuer;
        }

        return path;
    }

    /// <summary>
    /// Validates the path from the leaf up to the certificate at <paramref name="anchorDepth"/>: each
    /// signature, the CA flag and path length of every issuer, and the validity period of every
    /// certificate below the anchor (RFC 7671 section 5.2, RFC 5280 section 6.1). Returns null when the
    /// path is valid, else the first problem found.
    /// </summary>
    public static string? Validate(List<ChainCertificate> path, int anchorDepth, DateTimeOffset now)
    {
        for (var depth = 0; depth < anchorDepth; depth++)
        {
            if (CheckIssuedBy(path[depth], path[depth + 1], depth) is { } problem)
            {
                return problem;
            }
        }

        // A trust anchor is a name and a key, so its own dates are not checked (RFC 5280 section 6.1.1 d).
        // OpenSSL 3.0 does not check them for DANE-TA either. The server certificate's dates are always checked.
        for (var depth = 0; depth <= Math.Max(anchorDepth - 1, 0); depth++)
        {
            if (path[depth].CheckValidity(now) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Returns null when <paramref name="issuer"/> named, signed and may issue the certificate at <paramref name="depth"/>.</summary>
    public static string? CheckIssuedBy(ChainCertificate certificate, ChainCertificate issuer, int depth)
    {
        if (!certificate.IsIssuedBy(issuer))
        {
            return $"the issuer of '{certificate.Subject}' is not '{issuer.Subject}'";
        }

        if (!certificate.IsSignedBy(issuer.PublicKey))
        {
            return $"the signature of '{certificate.Subject}' does not verify with the key of '{issuer.Subject}'";
        }

        // The CA certificates strictly between the leaf and this issuer count against its path length.
        return issuer.CheckIssuer(intermediatesBelow: depth);
    }
}
