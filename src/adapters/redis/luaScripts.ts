/**
 * Lua scripts of the Redis agent state store, registered with ioredis `defineCommand`.
 * Each touches the keys of ONE shard only (one hash-tag slot), passed in KEYS.
 */

/**
 * The changes of several agents of ONE shard, each atomically and independently (a conflict of one agent does not stop
 * the others): one script call per shard per commit instead of one per agent.
 * KEYS: records, versions, deadlines, log, logMeta, outbox, outboxDue, outboxAttempts, outboxSeen.
 * ARGV: logMaxLen, outboxKeyTtlMs, nChanges, then per change:
 *       userId, expectedVersion, recordJson, dueAt ('' = drop), nLog, nLog x (at, managementUnitId, entryJson),
 *       nOutbox, nOutbox x (key, at, entryJson).
 * Returns one integer per change: 1 when applied, 0 on a version conflict (nothing of that change written).
 */
export const COMMIT_LUA = `
local logMaxLen = ARGV[1]
local ttl = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local results = {}
local i = 4
local lastMs = nil
local maxLag = nil
local newest = nil
for c = 1, n do
  local uid = ARGV[i]
  local expected = tonumber(ARGV[i + 1])
  local record = ARGV[i + 2]
  local dueAt = ARGV[i + 3]
  local nLog = tonumber(ARGV[i + 4])
  local logAt = i + 5
  local outAt = logAt + 3 * nLog
  local nOut = tonumber(ARGV[outAt])
  i = outAt + 1 + 3 * nOut
  local current = tonumber(redis.call('HGET', KEYS[2], uid) or '0')
  if current ~= expected then
    results[c] = 0
  else
    results[c] = 1
    -- Log and outbox first, the record last: should a write fail half-way (Redis does not roll a script back), the
    -- record still has its old version, so the engine redoes the change; the outbox keys make that idempotent.
    if nLog > 0 then
      if lastMs == nil then
        lastMs = tonumber(redis.call('HGET', KEYS[5], 'lastMs') or '0')
        maxLag = tonumber(redis.call('HGET', KEYS[5], 'maxLag') or '0')
        -- The stream's newest id wins over the metadata (lost, or older than the stream): an XADD id must grow.
        local top = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
        if top[1] then
          local topMs = tonumber(string.match(top[1][1], '^(%d+)-'))
          if topMs > lastMs then lastMs = topMs end
        end
      end
      local j = logAt
      for _ = 1, nLog do
        local at = tonumber(ARGV[j])
        local ms = at
        if ms < lastMs then ms = lastMs end
        if ms - at > maxLag then maxLag = ms - at end
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', logMaxLen, string.format('%d-*', ms),
          'at', ARGV[j], 'mu', ARGV[j + 1], 'e', ARGV[j + 2])
        lastMs = ms
        j = j + 3
      end
    end
    local j = outAt + 1
    for _ = 1, nOut do
      local key = ARGV[j]
      local at = tonumber(ARGV[j + 1])
      if newest == nil or at > newest then newest = at end
      if redis.call('ZSCORE', KEYS[9], key) == false and redis.call('HEXISTS', KEYS[6], key) == 0 then
        redis.call('ZADD', KEYS[9], ARGV[j + 1], key)
        redis.call('HSET', KEYS[6], key, ARGV[j + 2])
        redis.call('HSET', KEYS[8], key, '0')
        redis.call('ZADD', KEYS[7], ARGV[j + 1], key)
      end
      j = j + 3
    end
    if dueAt == '' then
      redis.call('ZREM', KEYS[3], uid)
    else
      redis.call('ZADD', KEYS[3], dueAt, uid)
    end
    redis.call('HSET', KEYS[1], uid, record)
    redis.call('HSET', KEYS[2], uid, string.format('%d', expected + 1))
  end
end
if lastMs ~= nil then
  redis.call('HSET', KEYS[5], 'lastMs', string.format('%d', lastMs), 'maxLag', string.format('%d', maxLag))
end
if newest ~= nil then
  redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', '(' .. string.format('%d', newest - ttl))
end
return results
`;

/**
 * Claim due deadlines of one shard: a member whose score <= ARGV[1] gets score ARGV[2] (the lease expiry).
 * KEYS: deadlines. ARGV: bound, leaseUntil, userId... Returns the claimed user ids.
 */
export const CLAIM_LUA = `
local bound = tonumber(ARGV[1])
local claimed = {}
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= bound then
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
    claimed[#claimed + 1] = ARGV[i]
  end
end
return claimed
`;

/**
 * Reschedule an outbox entry if it is still there. KEYS: outbox, outboxDue, outboxAttempts. ARGV: key, notBefore.
 * Returns 1 when found.
 */
export const RETRY_LUA = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
return 1
`;
