import type { WindowLimit } from '../../kit/SlidingWindowLimiter';
import type { DeliveryLimits } from './delivery/ports';
import { parseEnv, type Env, type EnvReader } from '../../kit/env';
import { Secret } from '../../kit/Secret';
import type { BotCredentials } from './bot';

export type RunMode = 'production' | 'sandbox' | 'test';

/** Teams bot, authorization and delivery settings, read by {@link readTeamsConfig}. */
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
    /**
     * `BOT_OPENID_METADATA_URL`: the OpenID metadata naming the keys that sign Bot Framework tokens. Unset: Microsoft's
     * public cloud (botbuilder's default); set it only for another cloud or a local test issuer.
     */
    botOpenIdMetadataUrl: string | undefined;
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
    /**
     * `TEAMS_DELIVERY_LEASE_MS`: how long an instance's claim on a send holds (taken at each attempt). A dead instance's
     * sends are taken over after it; an instance cut from Redis for less than it never has a send repeated. @default 13000
     */
    deliveryLeaseMs: number;
    /**
     * `TEAMS_ESCALATE_TO`: people who get a unit's first-level escalations privately, `29:<id>` (every unit they
     * supervise) or `29:<id>:<unit>|<unit>`; each must be a supervisor of those units in `TEAMS_SUPERVISORS`.
     */
    escalateTo: ReadonlyMap<string, readonly string[]>;
    /** `TEAMS_SUBSCRIPTION_REFRESH_MS`: how often on-shift routing reads the subscriptions again (other instances). @default 30000 */
    subscriptionRefreshMs: number;
    /**
     * `ADHERENCE_EXPLANATION_REASONS`: the reasons an agent picks from on the nudge's Explain (comma-separated, at most
     * 10, each at most 60 characters; `Other` asks for a note). @default Still with a customer,System or tool problem,My supervisor asked me,Other
     */
    explanationReasons: readonly string[];
}

/** The Teams part's defaults: the one place they are declared (the outbox dispatcher falls back to them too). */
export const TEAMS_DEFAULTS = Object.freeze({
    mode: 'production' as RunMode,
    botType: 'MultiTenant' as BotCredentials['appType'],
    channelMembersSupervise: true,
    timeZone: 'UTC',
    limits: Object.freeze({
        perConversation: [
            { limit: 7, windowMs: 1_000 },
            { limit: 8, windowMs: 2_000 },
            { limit: 60, windowMs: 30_000 },
            { limit: 1_800, windowMs: 3_600_000 }
        ],
        perApp: [{ limit: 50, windowMs: 1_000 }]
    }) as DeliveryLimits,
    maxAttempts: 8,
    backoff: Object.freeze({ initialMs: 1_000, maxMs: 60_000 }),
    outboxPollMs: 1_000,
    deliveryLeaseMs: 13_000,
    subscriptionRefreshMs: 30_000,
    explanationReasons: Object.freeze([
        'Still with a customer',
        'System or tool problem',
        'My supervisor asked me',
        'Other'
    ])
});

/** `limit/windowMs,…` (e.g. `7/1000,60/30000`), at least one. */
function limitsOf(env: EnvReader, name: string, fallback: readonly WindowLimit[]): WindowLimit[] {
    if (!env.isSet(name)) return [...fallback];
    const out: WindowLimit[] = [];
    for (const part of env.list(name)) {
        const m = /^(\d+)\/(\d+)$/.exec(part);
        if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
            env.problem(`${name} items must be limit/windowMs with both >= 1, e.g. 7/1000 (got "${part}")`);
            continue;
        }
        out.push({ limit: Number(m[1]), windowMs: Number(m[2]) });
    }
    if (out.length === 0) env.problem(`${name} must list at least one limit/windowMs`);
    return out;
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

/** `TEAMS_SUPERVISORS`: supervisor id → the units they supervise (`*` = every unit). */
function readSupervisors(env: EnvReader, mode: RunMode): Map<string, string[]> {
    const supervisors = new Map<string, string[]>();
    for (const part of env.list('TEAMS_SUPERVISORS')) {
        const entry = parseSupervisor(part);
        if (typeof entry === 'string') {
            env.problem(`TEAMS_SUPERVISORS: "${part}" ${entry}`);
            continue;
        }
        supervisors.set(entry.id, [...(supervisors.get(entry.id) ?? []), ...entry.units]);
    }
    if (mode === 'production' && supervisors.has('*'))
        env.problem('TEAMS_SUPERVISORS: the wildcard user "*" is allowed only in sandbox/test mode');
    return supervisors;
}

/** `TEAMS_ESCALATE_TO`: Teams user id → units (`*` = every unit); each a supervisor of those units. */
function readEscalateTo(env: EnvReader, supervisors: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
    const people = new Map<string, string[]>();
    for (const part of env.list('TEAMS_ESCALATE_TO')) {
        const entry = parseSupervisor(part);
        if (typeof entry === 'string' || !entry.id.startsWith('29:')) {
            env.problem(`TEAMS_ESCALATE_TO: "${part}" is not 29:<id> or 29:<id>:<unit>|<unit> (a Teams user id)`);
            continue;
        }
        const allowed = supervisors.get(entry.id) ?? [];
        const missing = allowed.includes('*') ? [] : entry.units.filter((u) => !allowed.includes(u));
        if (missing.length > 0) {
            env.problem(
                `TEAMS_ESCALATE_TO: ${entry.id} must be a supervisor of ${missing.join(', ')} in TEAMS_SUPERVISORS to act on the escalated alerts`
            );
            continue;
        }
        people.set(entry.id, [...(people.get(entry.id) ?? []), ...entry.units]);
    }
    return people;
}

/** Bot Framework credentials; production refuses to run without them. */
function readBot(env: EnvReader, mode: RunMode) {
    const d = TEAMS_DEFAULTS;
    const botId = env.text('BOT_ID', '');
    const botPassword = env.secret('BOT_PASSWORD');
    const botType = env.oneOf('BOT_TYPE', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const, d.botType);
    const botTenantId = env.text('BOT_TENANT_ID', '');
    const botOpenIdMetadataUrl = env.url('BOT_OPENID_METADATA_URL');
    if (botType === 'SingleTenant' && botId && !botTenantId)
        env.problem('BOT_TENANT_ID is required when BOT_TYPE is SingleTenant');
    if (mode === 'production') {
        const missing = [!botId && 'BOT_ID', !botPassword && botType !== 'UserAssignedMSI' && 'BOT_PASSWORD'].filter(
            Boolean
        );
        if (missing.length > 0) {
            env.problem(
                `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required in production. To try the bot without Teams credentials run \`npm run sandbox\` (ADHERENCE_MODE=sandbox).`
            );
        }
    }
    if (botPassword && !botId) env.problem('BOT_PASSWORD is set but BOT_ID is empty');
    const actionSigningSecret = env.secret('ACTION_SIGNING_SECRET', { minLength: 32 });
    if (!env.isSet('ACTION_SIGNING_SECRET') && mode === 'production') {
        env.problem(
            'ACTION_SIGNING_SECRET is required in production (32+ random characters, e.g. `openssl rand -base64 48`)'
        );
    }
    return {
        botId,
        botPassword: botPassword ?? new Secret(''),
        botType,
        botTenantId,
        botOpenIdMetadataUrl,
        actionSigningSecret
    };
}

/** `ADHERENCE_EXPLANATION_REASONS`: 1–10 distinct reasons of at most 60 characters. */
function readReasons(env: EnvReader): readonly string[] {
    const name = 'ADHERENCE_EXPLANATION_REASONS';
    const reasons = env.list(name, { default: TEAMS_DEFAULTS.explanationReasons });
    if (reasons.length === 0 || reasons.length > 10) env.problem(`${name} must list 1 to 10 reasons`);
    for (const r of reasons) if (r.length > 60) env.problem(`${name}: "${r}" is longer than 60 characters`);
    if (new Set(reasons).size !== reasons.length) env.problem(`${name} lists a reason twice`);
    return Object.freeze(reasons);
}

/** E-mail addresses, UPNs and AAD ids compare without case. */
function lowerCaseKeys(map: ReadonlyMap<string, string>): Map<string, string> {
    return new Map([...map].map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Reads the Teams settings (the variables of {@link TeamsConfig}); problems go to `env`. Production (the default
 * mode) refuses to run without `BOT_ID`, `BOT_PASSWORD` and `ACTION_SIGNING_SECRET`.
 */
export function readTeamsConfig(env: EnvReader): TeamsConfig {
    const d = TEAMS_DEFAULTS;
    const mode = env.oneOf('ADHERENCE_MODE', ['production', 'sandbox', 'test'] as const, d.mode);
    const supervisors = readSupervisors(env, mode);
    return Object.freeze({
        mode,
        ...readBot(env, mode),
        supervisors,
        escalateTo: readEscalateTo(env, supervisors),
        channelMembersSupervise: env.flag('TEAMS_CHANNEL_MEMBERS_SUPERVISE', d.channelMembersSupervise),
        userOverrides: lowerCaseKeys(env.map('TEAMS_USER_MAP', { key: 'email', value: 'genesysUserId' })),
        timeZone: env.timeZone('TEAMS_TIME_ZONE', d.timeZone),
        limits: {
            perConversation: limitsOf(env, 'TEAMS_RATE_PER_CONVERSATION', d.limits.perConversation),
            perApp: limitsOf(env, 'TEAMS_RATE_PER_APP', d.limits.perApp)
        },
        maxAttempts: env.integer('TEAMS_DELIVERY_MAX_ATTEMPTS', d.maxAttempts, { min: 1 }),
        backoff: {
            initialMs: env.duration('TEAMS_DELIVERY_BACKOFF_MS', d.backoff.initialMs, { min: 1 }),
            maxMs: env.duration('TEAMS_DELIVERY_BACKOFF_MAX_MS', d.backoff.maxMs, { min: 1 })
        },
        outboxPollMs: env.duration('TEAMS_OUTBOX_POLL_MS', d.outboxPollMs, { min: 10 }),
        deliveryLeaseMs: env.duration('TEAMS_DELIVERY_LEASE_MS', d.deliveryLeaseMs, { min: 1_000 }),
        subscriptionRefreshMs: env.duration('TEAMS_SUBSCRIPTION_REFRESH_MS', d.subscriptionRefreshMs, {
            min: 1_000,
            max: 3_600_000
        }),
        explanationReasons: readReasons(env)
    });
}

/** The Teams settings of `env`, or one `ConfigError` listing every problem. */
export function parseTeamsConfig(env: Env): TeamsConfig {
    return parseEnv(env, readTeamsConfig);
}
