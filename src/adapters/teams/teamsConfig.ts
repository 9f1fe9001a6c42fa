import type { WindowLimit } from '../../delivery/RateLimiter';
import type { DeliveryLimits } from '../../delivery/OutboxDispatcher';
import type { BotCredentials } from './bot';

export type RunMode = 'production' | 'sandbox' | 'test';

/** Holds a secret; never serialised or logged. */
export class Secret {
    readonly #value: string;
    constructor(value: string) {
        this.#value = value;
    }
    reveal(): string {
        return this.#value;
    }
    toJSON(): string {
        return '[secret]';
    }
    toString(): string {
        return '[secret]';
    }
}

/** Teams bot, authorization and delivery settings, parsed by {@link parseTeamsConfig}. */
export interface TeamsConfig {
    /** `ADHERENCE_MODE`. Without bot credentials only `sandbox` and `test` run. @default 'production' */
    mode: RunMode;
    /** `BOT_ID` (empty disables Bot Framework authentication: sandbox/test only). */
    botId: string;
    /** `BOT_PASSWORD`. */
    botPassword: Secret;
    /** `BOT_TYPE`. @default 'MultiTenant' */
    botType: BotCredentials['appType'];
    /** `BOT_TENANT_ID`. Required for SingleTenant. */
    botTenantId: string;
    /** `ACTION_SIGNING_SECRET` (≥ 32 chars; required in production; random per process otherwise). */
    actionSigningSecret: Secret | undefined;
    /**
     * `TEAMS_SUPERVISORS`: comma-separated `<id>` (every unit), `<id>:*` or `<id>:<unit>|<unit>`; id = a Teams user
     * id (`29:…`) or an AAD object id (`*:*` = everyone, sandbox/test only).
     */
    supervisors: ReadonlyMap<string, readonly string[]>;
    /** `TEAMS_CHANNEL_MEMBERS_SUPERVISE`: members of a unit's subscribed channel may act on its alerts. @default true */
    channelMembersSupervise: boolean;
    /** `TEAMS_USER_MAP`: `email-or-upn-or-aad=genesysUserId,…` overrides of the e-mail mapping. */
    userOverrides: ReadonlyMap<string, string>;
    /** `TEAMS_TIME_ZONE`: IANA zone for times on cards. @default 'UTC' */
    timeZone: string;
    /** `TEAMS_RATE_PER_CONVERSATION` / `TEAMS_RATE_PER_APP`: `limit/windowMs,…`. @default 7/1000,8/2000,60/30000,1800/3600000 and 50/1000 */
    limits: DeliveryLimits;
    /** `TEAMS_DELIVERY_MAX_ATTEMPTS`. @default 8 */
    maxAttempts: number;
    /** `TEAMS_DELIVERY_BACKOFF_MS` / `TEAMS_DELIVERY_BACKOFF_MAX_MS`. @default 1000 / 60000 */
    backoff: { initialMs: number; maxMs: number };
    /** `TEAMS_OUTBOX_POLL_MS`. @default 1000 */
    outboxPollMs: number;
}

export class TeamsConfigError extends Error {
    readonly code = 'TEAMS_CONFIG_INVALID';
    constructor(readonly problems: string[]) {
        super(`Invalid Teams configuration:\n  - ${problems.join('\n  - ')}`);
        this.name = 'TeamsConfigError';
    }
}

export function isTeamsConfigError(e: unknown): e is TeamsConfigError {
    return e instanceof Error && (e as { code?: unknown }).code === 'TEAMS_CONFIG_INVALID';
}

type Env = Record<string, string | undefined>;

function limitsOf(name: string, raw: string | undefined, fallback: string, problems: string[]): WindowLimit[] {
    const text = raw?.trim() || fallback;
    const out: WindowLimit[] = [];
    for (const part of text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^(\d+)\/(\d+)$/.exec(part);
        if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
            problems.push(`${name}: "${part}" is not limit/windowMs (e.g. 7/1000)`);
            continue;
        }
        out.push({ limit: Number(m[1]), windowMs: Number(m[2]) });
    }
    if (out.length === 0) problems.push(`${name} must list at least one limit/windowMs`);
    return out;
}

function intOf(env: Env, name: string, fallback: number, min: number, problems: string[]): number {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
        problems.push(`${name} must be a whole number >= ${min} (got "${raw}")`);
        return fallback;
    }
    return n;
}

const SUPERVISOR_FORM = 'is not <id> or <id>:<unit>|<unit>|… or <id>:* (id = a Teams user id 29:… or an AAD object id)';

/**
 * One `TEAMS_SUPERVISORS` entry: `<id>` (every unit), `<id>:*` or `<id>:<unit>|<unit>…`. The id is a Teams user id
 * (`29:<opaque>`, itself containing one `:`), an AAD object id, or `*` (anyone; sandbox/test). Returns the problem
 * when the entry is malformed or ambiguous.
 */
function parseSupervisor(part: string): { id: string; units: string[] } | string {
    const segments = part.split(':').map((x) => x.trim());
    let id: string;
    let rest: string[];
    if (/^\d+$/.test(segments[0])) {
        if (segments[0] !== '29') return `${SUPERVISOR_FORM}: a Teams user id starts with 29:`;
        if (segments.length < 2 || !segments[1]) return `${SUPERVISOR_FORM}: the Teams user id is incomplete`;
        id = `${segments[0]}:${segments[1]}`;
        rest = segments.slice(2);
    } else {
        id = segments[0];
        rest = segments.slice(1);
    }
    if (!id || /[|\s]/.test(id)) return SUPERVISOR_FORM;
    if (rest.length > 1) return `${SUPERVISOR_FORM}: too many ":" (ambiguous)`;
    if (rest.length === 0) return { id, units: ['*'] };
    const units = rest[0].split('|').map((u) => u.trim());
    if (units.some((u) => !u || /\s/.test(u))) return `${SUPERVISOR_FORM}: empty or malformed unit list`;
    return { id, units: units.includes('*') ? ['*'] : units };
}

/**
 * Teams settings from the environment; throws one {@link TeamsConfigError} listing every problem.
 * Production (the default mode) refuses to run without `BOT_ID`, `BOT_PASSWORD` and `ACTION_SIGNING_SECRET`.
 */
export function parseTeamsConfig(env: Env): TeamsConfig {
    const problems: string[] = [];
    const modeRaw = (env.ADHERENCE_MODE ?? 'production').trim() || 'production';
    let mode: RunMode = 'production';
    if (modeRaw === 'production' || modeRaw === 'sandbox' || modeRaw === 'test') mode = modeRaw;
    else problems.push(`ADHERENCE_MODE must be production, sandbox or test (got "${modeRaw}")`);

    const botId = env.BOT_ID?.trim() ?? '';
    const botPassword = env.BOT_PASSWORD ?? '';
    const botTypeRaw = env.BOT_TYPE?.trim() || 'MultiTenant';
    let botType: BotCredentials['appType'] = 'MultiTenant';
    if (botTypeRaw === 'MultiTenant' || botTypeRaw === 'SingleTenant' || botTypeRaw === 'UserAssignedMSI')
        botType = botTypeRaw;
    else problems.push(`BOT_TYPE must be MultiTenant, SingleTenant or UserAssignedMSI (got "${botTypeRaw}")`);
    const botTenantId = env.BOT_TENANT_ID?.trim() ?? '';
    if (botType === 'SingleTenant' && botId && !botTenantId)
        problems.push('BOT_TENANT_ID is required when BOT_TYPE is SingleTenant');

    if (mode === 'production') {
        const missing = [!botId && 'BOT_ID', !botPassword && botType !== 'UserAssignedMSI' && 'BOT_PASSWORD'].filter(
            Boolean
        );
        if (missing.length > 0) {
            problems.push(
                `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required in production. To try the bot without Teams credentials run \`npm run sandbox\` (ADHERENCE_MODE=sandbox).`
            );
        }
    }
    if (botPassword && !botId) problems.push('BOT_PASSWORD is set but BOT_ID is empty');

    const secretRaw = env.ACTION_SIGNING_SECRET ?? '';
    let actionSigningSecret: Secret | undefined;
    if (secretRaw) {
        if (secretRaw.length < 32) problems.push('ACTION_SIGNING_SECRET must be at least 32 characters');
        else actionSigningSecret = new Secret(secretRaw);
    } else if (mode === 'production') {
        problems.push(
            'ACTION_SIGNING_SECRET is required in production (32+ random characters, e.g. `openssl rand -base64 48`)'
        );
    }

    const supervisors = new Map<string, string[]>();
    for (const part of (env.TEAMS_SUPERVISORS ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const entry = parseSupervisor(part);
        if (typeof entry === 'string') {
            problems.push(`TEAMS_SUPERVISORS: "${part}" ${entry}`);
            continue;
        }
        supervisors.set(entry.id, [...(supervisors.get(entry.id) ?? []), ...entry.units]);
    }
    if (mode === 'production' && supervisors.has('*'))
        problems.push('TEAMS_SUPERVISORS: the wildcard user "*" is allowed only in sandbox/test mode');

    const userOverrides = new Map<string, string>();
    for (const part of (env.TEAMS_USER_MAP ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [k, v] = part.split('=').map((s) => s?.trim());
        if (!k || !v) {
            problems.push(`TEAMS_USER_MAP: "${part}" is not email=genesysUserId`);
            continue;
        }
        userOverrides.set(k.toLowerCase(), v);
    }

    const timeZone = env.TEAMS_TIME_ZONE?.trim() || 'UTC';
    try {
        new Intl.DateTimeFormat('en-GB', { timeZone });
    } catch {
        problems.push(`TEAMS_TIME_ZONE: unknown time zone "${timeZone}"`);
    }

    const cmsRaw = env.TEAMS_CHANNEL_MEMBERS_SUPERVISE?.trim().toLowerCase();
    let channelMembersSupervise = true;
    if (cmsRaw === 'false' || cmsRaw === '0' || cmsRaw === 'no') channelMembersSupervise = false;
    else if (cmsRaw && !['true', '1', 'yes'].includes(cmsRaw))
        problems.push(`TEAMS_CHANNEL_MEMBERS_SUPERVISE must be true or false (got "${cmsRaw}")`);

    const config: TeamsConfig = {
        mode,
        botId,
        botPassword: new Secret(botPassword),
        botType,
        botTenantId,
        actionSigningSecret,
        supervisors,
        channelMembersSupervise,
        userOverrides,
        timeZone,
        limits: {
            perConversation: limitsOf(
                'TEAMS_RATE_PER_CONVERSATION',
                env.TEAMS_RATE_PER_CONVERSATION,
                '7/1000,8/2000,60/30000,1800/3600000',
                problems
            ),
            perApp: limitsOf('TEAMS_RATE_PER_APP', env.TEAMS_RATE_PER_APP, '50/1000', problems)
        },
        maxAttempts: intOf(env, 'TEAMS_DELIVERY_MAX_ATTEMPTS', 8, 1, problems),
        backoff: {
            initialMs: intOf(env, 'TEAMS_DELIVERY_BACKOFF_MS', 1_000, 1, problems),
            maxMs: intOf(env, 'TEAMS_DELIVERY_BACKOFF_MAX_MS', 60_000, 1, problems)
        },
        outboxPollMs: intOf(env, 'TEAMS_OUTBOX_POLL_MS', 1_000, 10, problems)
    };
    if (problems.length > 0) throw new TeamsConfigError(problems);
    return Object.freeze(config);
}
