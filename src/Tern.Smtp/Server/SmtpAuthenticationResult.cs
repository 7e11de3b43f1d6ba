namespace Tern.Smtp.Server;

/// <summary>The outcome of <see cref="ISmtpAuthenticator.AuthenticateAsync"/>.</summary>
public readonly record struct SmtpAuthenticationResult
{
    private SmtpAuthenticationResult(string? userName)
    {
        UserName = userName;
    }

    /// <summary>The result for an unknown user or a wrong password.</summary>
    public static SmtpAuthenticationResult Failure => default;

    /// <summary>
    /// The user name as the store spells it, which becomes <see cref="SmtpSessionContext.AuthenticatedUser"/>;
    /// null on failure.
    /// </summary>
    public string? UserName { get; }

    /// <summary>True when the credentials were valid.</summary>
    public bool Succeeded => UserName is not null;

    /// <summary>Returns a successful result for <paramref name="userName"/>.</summary>
    public static SmtpAuthenticationResult Success(string userName)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        return new SmtpAuthenticationResult(userName);
    }
}
