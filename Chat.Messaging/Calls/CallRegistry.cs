using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Messaging.Calls;

/// <summary>What a transition script answered: its status, the call as it then stood, and the user it concerned.</summary>
public sealed record CallTransition(string Status, CallView? Call = null, string? Detail = null);

/// <summary>
/// Calls' state in Redis, next to presence, so that no node's memory holds it and any node can end a call whose
/// node died. Under the prefix <c>chat:{calls}:</c>: a hash per call with its participants (device → user), who joined
/// and who declined, and each participant's deadline; per user the call they are in (<c>busy:</c>) and their live calls (<c>user:</c>); per
/// conversation its live call; and one sorted set of deadlines (ring timeouts, participants' liveness, and call
/// messages still to write) that every node sweeps (<see cref="CallSweeper"/>). The scripts reach from a call to
/// its users' and conversation's keys and back, so every key has the hash tag <c>{calls}</c>: on a Redis Cluster all
/// call state is in one slot, on one shard. Calls change a few times a minute per call, far below one shard's
/// capacity (docs/scaling.md).
/// </summary>
public sealed class CallRegistry(IConnectionMultiplexer redis, IOptions<CallOptions> options)
{
    public const string Prefix = "chat:{calls}:";

    /// <summary>Every script names this key, so that on a Redis Cluster it runs on the shard that holds the calls' slot.</summary>
    private static readonly RedisKey[] SlotKey = [Prefix + "deadlines"];

    /// <summary>An ended call's state is kept this long: its message is written from it, and late calls get a clear answer.</summary>
    private static readonly TimeSpan KeepEndedFor = TimeSpan.FromHours(1);

    /// <summary>If the node that ended a call dies before writing its message, a sweep writes it this long after.</summary>
    public static readonly TimeSpan RecordAfter = TimeSpan.FromSeconds(10);

    private CallOptions Options => options.Value;

    public Task<CallTransition> StartAsync(Guid callId, Guid conversationId, Guid callerId, Guid callerDeviceId, string media, IReadOnlyList<Guid> invitees, bool direct) =>
        RunAsync(CallScripts.Start, Id(callId), Id(conversationId), Id(callerId), Id(callerDeviceId), media,
            string.Join(',', invitees.Select(Id)), direct ? "1" : "0", Ms(Options.RingTimeout));

    public Task<CallTransition> JoinAsync(Guid callId, Guid userId, Guid deviceId) =>
        RunAsync(CallScripts.Join, Id(callId), Id(userId), Id(deviceId), Options.MaxParticipants.ToString(CultureInfo.InvariantCulture));

    public Task<CallTransition> DeclineAsync(Guid callId, Guid userId) => RunAsync(CallScripts.Decline, Id(callId), Id(userId));

    public Task<CallTransition> LeaveAsync(Guid callId, Guid deviceId, string reason) => RunAsync(CallScripts.Leave, Id(callId), Id(deviceId), reason);

    public Task<CallTransition> RingTimedOutAsync(Guid callId) => RunAsync(CallScripts.RingTimedOut, Id(callId));

    /// <summary>The call's conversation, or null when no call has this id (or it was forgotten after it ended).</summary>
    public async Task<Guid?> ConversationOfAsync(Guid callId) =>
        await redis.GetDatabase().HashGetAsync(Prefix + Id(callId), "conversation") is { HasValue: true } value ? Guid.Parse(value.ToString()) : null;

    /// <summary>The call as it stands, ended or not; null once forgotten.</summary>
    public async Task<CallView?> ReadAsync(Guid callId)
    {
        var db = redis.GetDatabase();
        var key = Prefix + Id(callId);
        var hash = db.HashGetAllAsync(key);
        var participants = db.HashGetAllAsync(key + ":participants");
        var declined = db.SetMembersAsync(key + ":declined");
        var joined = db.SetMembersAsync(key + ":joined");
        await Task.WhenAll(hash, participants, declined, joined);
        return hash.Result.Length == 0 ? null
            : CallSnapshots.Read(callId, hash.Result.ToStringDictionary(),
                participants.Result.Select(p => (p.Name.ToString(), p.Value.ToString())), declined.Result.Select(d => d.ToString()));
    }

    /// <summary>The users who were ever in the call, for its message.</summary>
    public async Task<IReadOnlyList<Guid>> JoinedAsync(Guid callId) =>
        (await redis.GetDatabase().SetMembersAsync(Prefix + Id(callId) + ":joined")).Select(v => Guid.Parse(v.ToString())).ToList();

    /// <summary>The live calls that concern the user: ringing for them, placed by them, or with them in it.</summary>
    public async Task<IReadOnlyList<CallView>> LiveCallsOfAsync(Guid userId)
    {
        var result = await RunRawAsync(CallScripts.LiveCallsOf, Id(userId));
        return ((RedisResult[])result!).Select(entry =>
        {
            var pair = (RedisResult[])entry!;
            return CallSnapshots.Read(Guid.Parse(pair[0].ToString()), pair[1]);
        }).ToList();
    }

    /// <summary>Deadline entries that passed, each now this node's to handle (see <see cref="CallScripts.ClaimDue"/>).</summary>
    public async Task<IReadOnlyList<string>> ClaimDueAsync(int limit, TimeSpan retryAfter) =>
        ((RedisResult[])(await RunRawAsync(CallScripts.ClaimDue, limit.ToString(CultureInfo.InvariantCulture), Ms(retryAfter)))!)
            .Select(r => r.ToString()).ToList();

    /// <summary>Renews a participant device's deadline; false when the device is no longer in the call.</summary>
    public async Task<bool> RenewAsync(Guid callId, Guid deviceId) => (long)await RunRawAsync(CallScripts.Renew, Id(callId), Id(deviceId)) == 1;

    /// <summary>The call's message is written: its deadline entry goes.</summary>
    public Task RecordedAsync(Guid callId) => redis.GetDatabase().SortedSetRemoveAsync(Prefix + "deadlines", $"record:{Id(callId)}");

    /// <summary>Puts a call's message back in the deadlines, to be tried again after <paramref name="delay"/>.</summary>
    public Task RecordLaterAsync(Guid callId, TimeSpan delay) => RunRawAsync(CallScripts.RecordLater, Id(callId), Ms(delay));

    private async Task<CallTransition> RunAsync(string script, params string[] arguments)
    {
        var result = (RedisResult[])(await RunRawAsync(script, arguments))!;
        var status = result[0].ToString();
        return result.Length switch
        {
            1 => new CallTransition(status),
            _ when result[1].Resp2Type == ResultType.Array => new CallTransition(status, CallSnapshots.Read(Guid.Parse(arguments[0]), result[1]),
                result.Length > 2 ? result[2].ToString() : null),
            _ => new CallTransition(status, Detail: result[1].ToString()),
        };
    }

    private Task<RedisResult> RunRawAsync(string script, params string[] arguments) =>
        redis.GetDatabase().ScriptEvaluateAsync(script, SlotKey,
        [
            Prefix, Ms(KeepEndedFor), Ms(RecordAfter), Ms(Options.ParticipantTimeout),
            .. arguments.Select(a => (RedisValue)a),
        ]);

    private static string Id(Guid id) => id.ToString("N");

    private static string Ms(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
