namespace Chat.Messaging.Calls;

/// <summary>
/// The call state machine, one Lua script per transition, so each is decided inside Redis in one step: of two
/// devices accepting at once exactly one joins, and a call ends once however many nodes notice at the same time.
/// Every script takes the same first arguments (<see cref="CallRegistry"/> supplies them): the key prefix, how long
/// an ended call is kept, how soon after the end its message is written by a sweep if the node that ended it did
/// not, and the participant timeout. Times are Redis's own clock, one for all nodes. docs/protocol.md draws the
/// machine as a table; the keys are listed in <see cref="CallRegistry"/>.
/// </summary>
internal static class CallScripts
{
    private const string Functions = """
        local prefix, keepFor, recordAfter, aliveFor = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local deadlines = prefix .. 'deadlines'

        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        local function split(s)
          local r = {}
          if s then for v in string.gmatch(s, '[^,]+') do r[#r + 1] = v end end
          return r
        end

        local function is_live(id)
          local state = redis.call('HGET', prefix .. id, 'state')
          return state == 'ringing' or state == 'active'
        end

        local function snapshot(id)
          local call = prefix .. id
          return {redis.call('HGETALL', call), redis.call('HGETALL', call .. ':participants'),
                  redis.call('SMEMBERS', call .. ':declined'), redis.call('SMEMBERS', call .. ':joined')}
        end

        local function concerned(id)
          local call = prefix .. id
          local users = split(redis.call('HGET', call, 'invitees'))
          users[#users + 1] = redis.call('HGET', call, 'caller')
          for _, u in ipairs(redis.call('SMEMBERS', call .. ':joined')) do users[#users + 1] = u end
          return users
        end

        local function finish(id, outcome, now)
          local call = prefix .. id
          redis.call('HSET', call, 'state', 'ended', 'outcome', outcome, 'endedAt', now)
          local parts = redis.call('HGETALL', call .. ':participants')
          for i = 1, #parts, 2 do redis.call('ZREM', deadlines, 'p:' .. id .. ':' .. parts[i]) end
          for _, u in ipairs(concerned(id)) do
            local busy = prefix .. 'busy:' .. u
            if redis.call('GET', busy) == id then redis.call('DEL', busy) end
            redis.call('SREM', prefix .. 'user:' .. u, id)
          end
          local conversation = prefix .. 'conversation:' .. redis.call('HGET', call, 'conversation')
          if redis.call('GET', conversation) == id then redis.call('DEL', conversation) end
          redis.call('ZREM', deadlines, 'ring:' .. id)
          redis.call('ZADD', deadlines, now + recordAfter, 'record:' .. id)
          for _, key in ipairs({call, call .. ':participants', call .. ':declined', call .. ':joined', call .. ':alive'}) do
            redis.call('PEXPIRE', key, keepFor)
          end
        end

        """;

    /// <summary>
    /// ARGV 5..12: call id, conversation, caller, caller's device, media, invitees (comma-separated), "1" for a
    /// direct conversation, ring timeout. A direct call to someone in a live call ends at once as busy.
    /// </summary>
    public const string Start = Functions + """
        local id, conversation, caller, device = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
        local media, invitees, direct, ringTimeout = ARGV[9], ARGV[10], ARGV[11], tonumber(ARGV[12])
        local call = prefix .. id
        if redis.call('EXISTS', call) == 1 then
          if redis.call('HGET', call, 'caller') ~= caller or redis.call('HGET', call, 'conversation') ~= conversation then
            return {'taken'}
          end
          return {'existing', snapshot(id)}
        end
        local mine = redis.call('GET', prefix .. 'busy:' .. caller)
        if mine and is_live(mine) then return {'in_call', mine} end
        local conversationKey = prefix .. 'conversation:' .. conversation
        local live = redis.call('GET', conversationKey)
        if live and is_live(live) then return {'in_progress', live} end
        local now = now_ms()
        redis.call('HSET', call, 'conversation', conversation, 'caller', caller, 'callerDevice', device, 'media', media,
          'invitees', invitees, 'direct', direct, 'state', 'ringing', 'startedAt', now, 'ringUntil', now + ringTimeout)
        if direct == '1' then
          local theirs = redis.call('GET', prefix .. 'busy:' .. invitees)
          if theirs and is_live(theirs) then
            finish(id, 'busy', now)
            return {'busy', snapshot(id)}
          end
        end
        redis.call('HSET', call .. ':participants', device, caller)
        redis.call('HSET', call .. ':alive', device, now + aliveFor)
        redis.call('SADD', call .. ':joined', caller)
        redis.call('SET', prefix .. 'busy:' .. caller, id, 'PX', 2 * aliveFor)
        redis.call('SET', conversationKey, id)
        for _, u in ipairs(concerned(id)) do redis.call('SADD', prefix .. 'user:' .. u, id) end
        redis.call('ZADD', deadlines, now + ringTimeout, 'ring:' .. id)
        redis.call('ZADD', deadlines, now + aliveFor, 'p:' .. id .. ':' .. device)
        return {'started', snapshot(id)}
        """;

    /// <summary>ARGV 5..8: call id, user, device, most participants. The first to join a ringing call answers it.</summary>
    public const string Join = Functions + """
        local id, user, device, max = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
        local call = prefix .. id
        local state = redis.call('HGET', call, 'state')
        if not state then return {'not_found'} end
        if state == 'ended' then return {'ended', snapshot(id)} end
        local parts = call .. ':participants'
        if redis.call('HEXISTS', parts, device) == 1 then return {'existing', snapshot(id)} end
        local list = redis.call('HGETALL', parts)
        for i = 2, #list, 2 do
          if list[i] == user then return {'answered_elsewhere', snapshot(id)} end
        end
        if #list / 2 >= max then return {'full'} end
        local mine = redis.call('GET', prefix .. 'busy:' .. user)
        if mine and mine ~= id and is_live(mine) then return {'in_call', mine} end
        local now = now_ms()
        redis.call('HSET', parts, device, user)
        redis.call('HSET', call .. ':alive', device, now + aliveFor)
        redis.call('SADD', call .. ':joined', user)
        redis.call('SREM', call .. ':declined', user)
        redis.call('SET', prefix .. 'busy:' .. user, id, 'PX', 2 * aliveFor)
        redis.call('SADD', prefix .. 'user:' .. user, id)
        redis.call('ZADD', deadlines, now + aliveFor, 'p:' .. id .. ':' .. device)
        if state == 'ringing' then
          redis.call('HSET', call, 'state', 'active', 'answeredAt', now)
          if redis.call('HGET', call, 'direct') == '1' then redis.call('ZREM', deadlines, 'ring:' .. id) end
        end
        return {'joined', snapshot(id)}
        """;

    /// <summary>
    /// ARGV 5..6: call id, user. Declining a direct call ends it as rejected; in a group only that invitee stops
    /// ringing, and the call ends as rejected once every invitee has declined before anyone answered.
    /// </summary>
    public const string Decline = Functions + """
        local id, user = ARGV[5], ARGV[6]
        local call = prefix .. id
        local state = redis.call('HGET', call, 'state')
        if not state then return {'not_found'} end
        local invitees = split(redis.call('HGET', call, 'invitees'))
        local invited = false
        for _, u in ipairs(invitees) do if u == user then invited = true end end
        if not invited then return {'not_invited'} end
        if state == 'ended' then return {'ended', snapshot(id)} end
        local list = redis.call('HGETALL', call .. ':participants')
        for i = 2, #list, 2 do
          if list[i] == user then return {'answered_elsewhere', snapshot(id)} end
        end
        local now = now_ms()
        if redis.call('HGET', call, 'direct') == '1' then
          finish(id, 'rejected', now)
          return {'finished', snapshot(id)}
        end
        redis.call('SADD', call .. ':declined', user)
        redis.call('SREM', prefix .. 'user:' .. user, id)
        if state == 'ringing' and redis.call('SCARD', call .. ':declined') >= #invitees then
          finish(id, 'rejected', now)
          return {'finished', snapshot(id)}
        end
        return {'declined', snapshot(id)}
        """;

    /// <summary>
    /// ARGV 5..7: call id, device, reason (hangup, cancel, lost: its deadline passed, or removed: its user left
    /// the conversation). A ringing call has only its caller in it, so its caller leaving ends it: cancelled, or
    /// missed when the caller's device was lost. An answered call ends,
    /// completed, when fewer than two devices remain.
    /// </summary>
    public const string Leave = Functions + """
        local id, device, reason = ARGV[5], ARGV[6], ARGV[7]
        local call = prefix .. id
        local member = 'p:' .. id .. ':' .. device
        local lost = reason == 'lost' or reason == 'removed'
        local state = redis.call('HGET', call, 'state')
        local parts = call .. ':participants'
        local user = state and redis.call('HGET', parts, device)
        if not user then
          if lost then redis.call('ZREM', deadlines, member) end
          if not state then return {'not_found'} end
          return {'not_in_call'}
        end
        if state == 'ended' then return {'ended', snapshot(id)} end
        local now = now_ms()
        if reason == 'lost' then
          -- A claim moved the entry ahead, and the device's node may have renewed it since: then it stays.
          local alive = tonumber(redis.call('HGET', call .. ':alive', device) or '0')
          if alive > now then
            redis.call('ZADD', deadlines, alive, member)
            return {'alive'}
          end
        end
        if reason == 'cancel' and state ~= 'ringing' then return {'not_ringing', snapshot(id)} end
        if state == 'ringing' then
          if lost then finish(id, 'missed', now) else finish(id, 'cancelled', now) end
          return {'finished', snapshot(id), user}
        end
        redis.call('HDEL', parts, device)
        redis.call('HDEL', call .. ':alive', device)
        redis.call('ZREM', deadlines, member)
        if redis.call('GET', prefix .. 'busy:' .. user) == id then redis.call('DEL', prefix .. 'busy:' .. user) end
        if redis.call('HLEN', parts) < 2 then
          finish(id, 'completed', now)
          return {'finished', snapshot(id), user}
        end
        return {'left', snapshot(id), user}
        """;

    /// <summary>ARGV 5: call id. Its ring timeout passed: unanswered, it is missed; answered (a group), the rest stop ringing.</summary>
    public const string RingTimedOut = Functions + """
        local id = ARGV[5]
        redis.call('ZREM', deadlines, 'ring:' .. id)
        local state = redis.call('HGET', prefix .. id, 'state')
        if state == 'ringing' then
          finish(id, 'missed', now_ms())
          return {'finished', snapshot(id)}
        end
        if state == 'active' then return {'unanswered', snapshot(id)} end
        return {'gone'}
        """;

    /// <summary>
    /// ARGV 5..6: most entries, retry delay. Takes the deadlines that passed and moves each a retry delay ahead: one
    /// node gets each, and if that node dies before the transition that removes the entry, another takes it then.
    /// </summary>
    public const string ClaimDue = Functions + """
        local now = now_ms()
        local due = redis.call('ZRANGEBYSCORE', deadlines, '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
        for _, member in ipairs(due) do redis.call('ZADD', deadlines, now + tonumber(ARGV[6]), member) end
        return due
        """;

    /// <summary>ARGV 5..6: call id, device. Renews a participant's deadline; 0 when the device is no longer in the call.</summary>
    public const string Renew = Functions + """
        local id, device = ARGV[5], ARGV[6]
        local member = 'p:' .. id .. ':' .. device
        if not redis.call('ZSCORE', deadlines, member) then return 0 end
        local deadline = now_ms() + aliveFor
        redis.call('ZADD', deadlines, deadline, member)
        redis.call('HSET', prefix .. id .. ':alive', device, deadline)
        local user = redis.call('HGET', prefix .. id .. ':participants', device)
        if user and redis.call('GET', prefix .. 'busy:' .. user) == id then
          redis.call('PEXPIRE', prefix .. 'busy:' .. user, 2 * aliveFor)
        end
        return 1
        """;

    /// <summary>ARGV 5: user. The user's live calls, each as {id, snapshot}; forgets the ids of calls that are over.</summary>
    public const string LiveCallsOf = Functions + """
        local set = prefix .. 'user:' .. ARGV[5]
        local result = {}
        for _, id in ipairs(redis.call('SMEMBERS', set)) do
          if is_live(id) then result[#result + 1] = {id, snapshot(id)} else redis.call('SREM', set, id) end
        end
        return result
        """;

    /// <summary>ARGV 5..6: call id, delay. The call's message is tried again after the delay.</summary>
    public const string RecordLater = Functions + """
        redis.call('ZADD', deadlines, now_ms() + tonumber(ARGV[6]), 'record:' .. ARGV[5])
        return 1
        """;
}
