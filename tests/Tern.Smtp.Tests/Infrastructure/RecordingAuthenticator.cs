using System.Collections.Concurrent;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>An authenticator that accepts one user and records every call.</summary>
internal sealed class RecordingAuthenticator : ISmtpAuthenticator
{
    private readonly ConcurrentQueue<(string User, string Password)> _calls = new();

    public IReadOnlyList<(string User, string Password)> Calls => [.. _calls];

    public ValueTask<SmtpAuthenticationResult> AuthenticateAsync(string userName, string password, SmtpSessionContext session, CancellationToken cancellationToken)
    {
        _calls.Enqueue((userName, password));
        var valid = userName == AuthSessionHarness.UserName && password == AuthSessionHarness.Password;
        return ValueTask.FromResult(valid ? SmtpAuthenticationResult.Success(userName) : SmtpAuthenticationResult.Failure);
    }
}
