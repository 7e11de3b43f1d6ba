using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Tern.Hosting.Logging;

/// <summary>Creates the logger factory: one line per event, UTC timestamps, grep-friendly.</summary>
public static class TernLogging
{
    public static ILoggerFactory CreateFactory(LogLevel minimumLevel) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(minimumLevel);

            // Keep the chatty framework categories quiet unless the operator asks for Debug.
            builder.AddFilter("Microsoft", LogLevel.Warning);
            // Every line goes to standard error, so standard output stays free for command results.
            builder.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        });
}
