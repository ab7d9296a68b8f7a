using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Chat.ServiceDefaults.Telemetry;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Realtime.Hubs;

/// <summary>
/// A hub protocol (JSON or MessagePack) that makes every refused call reach the client as docs/protocol.md says:
/// <c>code: words</c>. Two things stand in the way in SignalR itself. An invocation whose arguments do not bind (a
/// malformed id, a number for a string, a string for an object) is answered with a generic error that names
/// nothing: here it becomes the same invocation with <see cref="UnboundArgument"/>s, which
/// <see cref="ArgumentFilter"/> refuses with <c>invalid_argument</c> naming the member. And a
/// <see cref="HubException"/>'s message is sent behind "An unexpected error occurred invoking 'X' on the server.
/// HubException: ": here that preamble is taken off. Every other message passes through unchanged. A frame that
/// cannot be read at all still closes its connection, as SignalR does, and is counted as the client's mistake.
/// </summary>
public sealed partial class ClientErrorProtocol(
    IHubProtocol inner,
    MessagePackSerializerOptions? messagePack,
    ClientErrorMetrics metrics,
    ILogger<ClientErrorProtocol> logger) : IHubProtocol
{
    private const string MalformedFrame = "malformed_frame";
    private const string UnknownMethod = "unknown_method";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    /// <summary>What SignalR puts between its generic sentence and a HubException's own message.</summary>
    private const string HubExceptionPreamble = " HubException: ";

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(WithDocumentedError(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(WithDocumentedError(message));

    private static HubMessage WithDocumentedError(HubMessage message) =>
        message is CompletionMessage { Error: { } error } completion && error.IndexOf(HubExceptionPreamble, StringComparison.Ordinal) is var at and >= 0
            ? new CompletionMessage(completion.InvocationId!, error[(at + HubExceptionPreamble.Length)..], result: null, hasResult: false) { Headers = completion.Headers }
            : message;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
    {
        var before = input;
        while (!TryParseFrame(ref input, binder, out message))
        {
            // A whole frame of a message type this version does not know is skipped, as the protocol says, but
            // SignalR's readers then answer as for an incomplete frame: the frames behind it in the same read
            // stayed unread until the client sent more. Read on past it.
            if (input.Length == before.Length || input.IsEmpty)
            {
                return false;
            }

            before = input;
        }

        if (message is InvocationBindingFailureMessage { InvocationId: { } invocationId } failure)
        {
            if (ParametersOf(binder, failure.Target) is { } parameters)
            {
                var frame = before.Slice(0, before.Length - input.Length);
                var unbound = Diagnose(frame, parameters, failure.BindingFailure.SourceException);
                message = new InvocationMessage(invocationId, failure.Target, parameters.Select(_ => (object?)unbound).ToArray());
            }
            else
            {
                // A method the hub does not have: SignalR answers it, with these words, and no hub filter sees it.
                metrics.Refused(ClientErrorMetrics.Hub, UnknownMethod);
                message = new InvocationBindingFailureMessage(invocationId, failure.Target, ExceptionDispatchInfo.Capture(
                    new HubException($"{UnknownMethod}: the hub has no method '{failure.Target}' (docs/protocol.md lists them).")));
            }
        }

        return true;
    }

    private bool TryParseFrame(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
    {
        try
        {
            return inner.TryParseMessage(ref input, binder, out message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Refused(ClientErrorMetrics.Frame, MalformedFrame);
            LogMalformedFrame(inner.Name, e.Message);
            throw;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "A client sent a {Protocol} frame that cannot be read; its connection closes: {Problem}")]
    private partial void LogMalformedFrame(string protocol, string problem);

    private static IReadOnlyList<Type>? ParametersOf(IInvocationBinder binder, string target)
    {
        try
        {
            return binder.GetParameterTypes(target);
        }
        catch (HubException)
        {
            return null;
        }
    }

    private UnboundArgument Diagnose(ReadOnlySequence<byte> frame, IReadOnlyList<Type> parameters, Exception failure) =>
        messagePack is null ? FromJson(failure, parameters) : FromMessagePack(frame, parameters, messagePack) ?? Whole(parameters.Count);

    /// <summary>System.Text.Json names the path of the value it could not read, relative to the argument.</summary>
    private static UnboundArgument FromJson(Exception failure, IReadOnlyList<Type> parameters)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is JsonException { Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal) && parameters.Count == 1)
            {
                var member = path[2..];
                return new UnboundArgument(member, Expectation(PropertyOf(parameters[0], member)?.PropertyType));
            }
        }

        return Whole(parameters.Count);
    }

    /// <summary>
    /// MessagePack-CSharp does not say which member failed: read the frame again, member by member, into the types
    /// of the parameter's properties, and name the first that does not fit.
    /// </summary>
    private static UnboundArgument? FromMessagePack(ReadOnlySequence<byte> frame, IReadOnlyList<Type> parameters, MessagePackSerializerOptions options)
    {
        try
        {
            var reader = new MessagePackReader(SkipLengthPrefix(frame));
            // [type, headers, invocationId, target, arguments, streamIds?]
            if (reader.ReadArrayHeader() < 5)
            {
                return null;
            }

            reader.Skip();
            reader.Skip();
            reader.Skip();
            reader.Skip();
            var count = reader.ReadArrayHeader();
            for (var i = 0; i < Math.Min(count, parameters.Count); i++)
            {
                var argument = reader.ReadRaw();
                if (Unbound(argument, parameters[i], options) is { } unbound)
                {
                    return unbound;
                }
            }
        }
        catch (Exception)
        {
            // A frame malformed in ways the binder tolerated (a length past the end, a negative count) still gets
            // its invalid_argument: the diagnosis must never throw out of the parser, which would close the connection.
        }

        return null;
    }

    private static UnboundArgument? Unbound(ReadOnlySequence<byte> argument, Type type, MessagePackSerializerOptions options)
    {
        if (Fits(argument, type, options))
        {
            return null;
        }

        var reader = new MessagePackReader(argument);
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return new UnboundArgument(null, "must be an object (a map)");
        }

        var members = reader.ReadMapHeader();
        for (var m = 0; m < members; m++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            var value = reader.ReadRaw();
            // The binder matches map keys exactly and skips the rest, so only an exact match can be at fault.
            var property = key is null ? null : type.GetProperty(key, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance);
            if (property is not null && !Fits(value, property.PropertyType, options))
            {
                return new UnboundArgument(key, Expectation(property.PropertyType));
            }
        }

        return new UnboundArgument(null, "does not have the documented shape");
    }

    private static bool Fits(ReadOnlySequence<byte> value, Type type, MessagePackSerializerOptions options)
    {
        try
        {
            MessagePackSerializer.Deserialize(type, value, options);
            return true;
        }
        catch (MessagePackSerializationException)
        {
            return false;
        }
    }

    private static System.Reflection.PropertyInfo? PropertyOf(Type type, string member) =>
        type.GetProperty(member, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);

    /// <summary>What a member of this type must be, in the words of docs/protocol.md.</summary>
    private static string Expectation(Type? type) => (Nullable.GetUnderlyingType(type ?? typeof(object)) ?? type) switch
    {
        { } t when t == typeof(Guid) => "must be a UUID (a string)",
        { } t when t == typeof(long) || t == typeof(int) => "must be an integer",
        { } t when t == typeof(string) => "must be a string",
        { } t when t == typeof(DateTimeOffset) => "must be a time",
        _ => "does not have the documented type",
    };

    /// <summary>A binary frame starts with its length as a variable-length integer, 7 bits a byte.</summary>
    private static ReadOnlySequence<byte> SkipLengthPrefix(ReadOnlySequence<byte> frame)
    {
        var reader = new SequenceReader<byte>(frame);
        while (reader.TryRead(out var b) && (b & 0x80) != 0)
        {
        }

        return frame.Slice(reader.Position);
    }

    private static UnboundArgument Whole(int parameterCount) =>
        new(null, parameterCount == 1 ? "is not the documented object" : $"must be {parameterCount} documented values");
}
