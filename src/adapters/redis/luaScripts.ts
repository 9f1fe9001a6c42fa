/**
 * Lua scripts of the Redis agent state store, registered with ioredis `defineCommand`.
 * Each touches the keys of ONE shard only (one hash-tag slot), passed in KEYS.
 */

/**
 * One agent's change, atomically.
 * KEYS: records, versions, deadlines, log, logMeta, outbox, outboxDue, outboxAttempts, outboxSeen.
 * ARGV: userId, expectedVersion, recordJson, dueAt ('' = drop), logMaxLen, outboxKeyTtlMs,
 *       nLog, nLog x (at, managementUnitId, entryJson), nOutbox, nOutbox x (key, at, entryJson).
 * Returns 1 when applied, 0 on a version conflict (nothing written).
 */
export const COMMIT_LUA = `
local uid = ARGV[1]
local expected = tonumber(ARGV[2])
local current = tonumber(redis.call('HGET', KEYS[2], uid) or '0')
if current ~= expected then return 0 end
redis.call('HSET', KEYS[1], uid, ARGV[3])
redis.call('HSET', KEYS[2], uid, string.format('%d', expected + 1))
if ARGV[4] == '' then
  redis.call('ZREM', KEYS[3], uid)
else
  redis.call('ZADD', KEYS[3], ARGV[4], uid)
end
local i = 8
local nLog = tonumber(ARGV[7])
if nLog > 0 then
  local lastMs = tonumber(redis.call('HGET', KEYS[5], 'lastMs') or '0')
  local maxLag = tonumber(redis.call('HGET', KEYS[5], 'maxLag') or '0')
  for _ = 1, nLog do
    local at = tonumber(ARGV[i])
    local ms = at
    if ms < lastMs then ms = lastMs end
    if ms - at > maxLag then maxLag = ms - at end
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], string.format('%d-*', ms),
      'at', ARGV[i], 'mu', ARGV[i + 1], 'e', ARGV[i + 2])
    lastMs = ms
    i = i + 3
  end
  redis.call('HSET', KEYS[5], 'lastMs', string.format('%d', lastMs), 'maxLag', string.format('%d', maxLag))
end
local nOut = tonumber(ARGV[i])
i = i + 1
local newest = nil
for _ = 1, nOut do
  local key = ARGV[i]
  local at = tonumber(ARGV[i + 1])
  if newest == nil or at > newest then newest = at end
  if redis.call('ZSCORE', KEYS[9], key) == false and redis.call('HEXISTS', KEYS[6], key) == 0 then
    redis.call('ZADD', KEYS[9], ARGV[i + 1], key)
    redis.call('HSET', KEYS[6], key, ARGV[i + 2])
    redis.call('HSET', KEYS[8], key, '0')
    redis.call('ZADD', KEYS[7], ARGV[i + 1], key)
  end
  i = i + 3
end
if newest ~= nil then
  redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', '(' .. string.format('%d', newest - tonumber(ARGV[6])))
end
return 1
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
