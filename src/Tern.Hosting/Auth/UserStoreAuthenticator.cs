using Microsoft.Extensions.Logging;
using Tern.Smtp.Server;

namespace Tern.Hosting.Auth;

/// <summary>Checks SMTP AUTH credentials against the <see cref="UserStore"/>.</summary>
internal sealed class UserStoreAuthenticator : ISmtpAuthenticator, IDisposable
{
    // Compared against when the user does not exist, so that an unknown name costs one hash computation
    // like a wrong password and the reply time does not tell which names exist.
    private static readonly Lazy<PasswordHash> UnknownUserHash = new(() => PasswordHash.Create(Guid.NewGuid().ToString()));

    private readonly UserStore _users;
    private readonly ILogger _logger;

    // Each check is a PBKDF2 computation of many iterations, so at most one per core runs at a time
    // and a flood of logins cannot starve the rest of the server.
    private readonly SemaphoreSlim _hashSlots = new(Environment.ProcessorCount);

    public UserStoreAuthenticator(UserStore users, ILogger logger)
    {
        _users = users;
        _logger = logger;
    }

    public async ValueTask<SmtpAuthenticationResult> AuthenticateAsync(string userName, string password, SmtpSessionContext session, CancellationToken cancellationToken)
    {
        UserAccount? account;
        try
        {
            account = _users.Find(userName);
        }
        catch (UserStoreException ex)
        {
            Log.UsersFileUnusable(_logger, session.RemoteEndPoint.Address, ex);
            throw;
        }

        await _hashSlots.WaitAsync(cancellationToken);
        bool valid;
        try
        {
            valid = (account?.Password ?? UnknownUserHash.Value).Verify(password) && account is not null;
        }
        finally
        {
            _hashSlots.Release();
        }

        if (!valid)
        {
            // The session logs the user name; this line adds which of the two cases it was.
            Log.CredentialsRejected(_logger, session.RemoteEndPoint.Address, account is null ? "unknown user" : "wrong password");
            return SmtpAuthenticationResult.Failure;
        }

        return SmtpAuthenticationResult.Success(account!.Name);
    }

    public void Dispose() => _hashSlots.Dispose();
}
