using System.CommandLine;
using System.Text;
using Tern.Hosting.Auth;
using Tern.Hosting.Configuration;

namespace Tern.Cli.Commands;

/// <summary><c>tern user</c>: add, remove and list the users who may authenticate for submission.</summary>
internal static class UserCommands
{
    public static Command Create()
    {
        var user = new Command("user", "Manage the users who may log in with SMTP AUTH on the submission ports.");

        var addConfig = ConfigOption.Create();
        var addName = new Argument<string>("NAME") { Description = "The login name; an address such as alice@example.org may also send as itself" };
        var senders = new Option<string[]>("--sender")
        {
            Description = "Another address the user may send as, or @domain for every address of the domain; repeat for more",
            AllowMultipleArgumentsPerToken = false,
        };
        var add = new Command("add", "Add a user. The password is read without echo from the terminal, or else from the first line of standard input.")
        {
            addConfig, addName, senders,
        };
        add.SetAction((parseResult, _) => Task.FromResult(Add(parseResult, addConfig, addName, senders)));
        user.Add(add);

        var removeConfig = ConfigOption.Create();
        var removeName = new Argument<string>("NAME") { Description = "The login name to remove" };
        var remove = new Command("remove", "Remove a user; sessions already logged in keep running.") { removeConfig, removeName };
        remove.SetAction((parseResult, _) => Task.FromResult(Remove(parseResult, removeConfig, removeName)));
        user.Add(remove);

        var listConfig = ConfigOption.Create();
        var list = new Command("list", "List the users and the senders each may use; password hashes are not shown.") { listConfig };
        list.SetAction((parseResult, _) => Task.FromResult(List(parseResult, listConfig)));
        user.Add(list);

        return user;
    }

    private static int Add(ParseResult parseResult, Option<FileInfo?> config, Argument<string> nameArgument, Option<string[]> senderOption)
    {
        var store = OpenStore(parseResult, config);
        if (store is null)
        {
            return ExitCodes.Usage;
        }

        var name = parseResult.GetValue(nameArgument)!;
        var nameError = UserAccount.ValidateName(name);
        if (nameError is not null)
        {
            Console.Error.WriteLine($"tern: invalid user name: {nameError}");
            return ExitCodes.Usage;
        }

        var senders = parseResult.GetValue(senderOption) ?? [];
        foreach (var sender in senders)
        {
            var senderError = UserAccount.ValidateSender(sender);
            if (senderError is not null)
            {
                Console.Error.WriteLine($"tern: invalid --sender: {senderError}");
                return ExitCodes.Usage;
            }
        }

        var password = ReadPassword();
        if (password is null)
        {
            return ExitCodes.Usage;
        }

        var account = new UserAccount { Name = name, Password = PasswordHash.Create(password), Senders = senders };
        try
        {
            if (!store.Add(account))
            {
                Console.Error.WriteLine($"tern: user '{name}' already exists; run 'tern user remove {name}' first to replace it");
                return ExitCodes.Failure;
            }
        }
        catch (UserStoreException ex)
        {
            Console.Error.WriteLine($"tern: {ex.Message}");
            return ExitCodes.Failure;
        }

        Console.WriteLine($"user {name} added to {store.FilePath}");
        return ExitCodes.Success;
    }

    private static int Remove(ParseResult parseResult, Option<FileInfo?> config, Argument<string> nameArgument)
    {
        var store = OpenStore(parseResult, config);
        if (store is null)
        {
            return ExitCodes.Usage;
        }

        var name = parseResult.GetValue(nameArgument)!;
        try
        {
            if (!store.Remove(name))
            {
                Console.Error.WriteLine($"tern: user '{name}' not found in {store.FilePath}; 'tern user list' shows the users");
                return ExitCodes.Failure;
            }
        }
        catch (UserStoreException ex)
        {
            Console.Error.WriteLine($"tern: {ex.Message}");
            return ExitCodes.Failure;
        }

        Console.WriteLine($"user {name} removed from {store.FilePath}");
        return ExitCodes.Success;
    }

    private static int List(ParseResult parseResult, Option<FileInfo?> config)
    {
        var store = OpenStore(parseResult, config);
        if (store is null)
        {
            return ExitCodes.Usage;
        }

        IReadOnlyList<UserAccount> users;
        try
        {
            users = store.List();
        }
        catch (UserStoreException ex)
        {
            Console.Error.WriteLine($"tern: {ex.Message}");
            return ExitCodes.Failure;
        }

        foreach (var account in users)
        {
            var senders = account.Senders.Count == 0 ? string.Empty : " senders: " + string.Join(' ', account.Senders);
            Console.WriteLine(account.Name + senders);
        }

        return ExitCodes.Success;
    }

    private static UserStore? OpenStore(ParseResult parseResult, Option<FileInfo?> config)
    {
        TernOptions? options = ConfigOption.Load(parseResult, config);
        return options is null ? null : new UserStore(options.Auth.GetUsersFilePath(options.DataDirectory));
    }

    /// <summary>Reads the password: from the terminal without echo, asked twice, or else the first line of standard input.</summary>
    private static string? ReadPassword()
    {
        string? password;
        if (Console.IsInputRedirected)
        {
            password = ReadFirstLineStrict();
            if (password is null)
            {
                return null;
            }
        }
        else
        {
            password = PromptWithoutEcho("Password: ");
            if (password is not null && password.Length > 0 && PromptWithoutEcho("Repeat password: ") != password)
            {
                Console.Error.WriteLine("tern: the passwords do not match; nothing was changed");
                return null;
            }
        }

        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("tern: the password is empty; type one at the prompt or pass it as the first line of standard input");
            return null;
        }

        // RFC 4616 section 2: a PLAIN password is at most 255 octets of UTF-8, so a longer one could
        // never log in.
        if (Encoding.UTF8.GetByteCount(password) > 255)
        {
            Console.Error.WriteLine("tern: the password is longer than 255 octets of UTF-8, which SMTP AUTH PLAIN cannot carry; choose a shorter one");
            return null;
        }

        return password;
    }

    /// <summary>
    /// Reads the first line of standard input as strict UTF-8. Invalid bytes would otherwise become
    /// U+FFFD, and every such password would then be the same.
    /// </summary>
    private static string? ReadFirstLineStrict()
    {
        using var input = Console.OpenStandardInput();
        var bytes = new List<byte>(64);
        int octet;
        while ((octet = input.ReadByte()) >= 0 && octet != '\n')
        {
            bytes.Add((byte)octet);
        }

        if (bytes.Count > 0 && bytes[^1] == '\r')
        {
            bytes.RemoveAt(bytes.Count - 1);
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            Console.Error.WriteLine("tern: the password on standard input is not valid UTF-8");
            return null;
        }
    }

    private static string? PromptWithoutEcho(string prompt)
    {
        Console.Error.Write(prompt);
        var builder = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return builder.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (builder.Length > 0)
                {
                    builder.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                builder.Append(key.KeyChar);
            }
        }
    }
}
