using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane;

/// <summary>
/// Matches a server certificate's DNS names against reference identifiers (RFC 6125 section 6.4,
/// as RFC 7672 section 3.2.3 applies it to SMTP).
/// </summary>
internal static class ReferenceIdentifierMatcher
{
    /// <summary>
    /// Returns the first reference identifier that the certificate names, or null. .NET's
    /// MatchesHostname checks the subjectAltName DNS names, and the subject CN only when there are none.
    /// It accepts a wildcard only as the whole leftmost label, which matches exactly one label.
    /// </summary>
    public static string? FindMatch(X509Certificate2 certificate, IReadOnlyList<string> referenceIdentifiers)
    {
        foreach (var identifier in referenceIdentifiers)
        {
            var hostname = identifier.TrimEnd('.');
            if (hostname.Length > 0 && certificate.MatchesHostname(hostname, allowWildcards: true, allowCommonName: true))
            {
                return identifier;
            }
        }

        return null;
    }
}
