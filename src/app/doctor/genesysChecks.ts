import type { Clock } from '../../domain/clock';
import { describeError, isGenesysError } from '../../adapters/genesys/errors';
import type { GenesysClient } from '../../adapters/genesys/GenesysClient';
import type { GenesysConfig } from '../../adapters/genesys/genesysConfig';
import { unitAdherenceTopic, unitSchedulesChangedTopic } from '../../adapters/genesys/mapping';
import { result, type CheckResult, type CheckStatus } from './doctorTypes';

/** What the Genesys checks learnt that later checks use. */
export interface GenesysFacts {
    /** The units the bot will watch (configured and found, or every unit with real-time adherence). */
    units: string[];
    /** Users of the first watched unit (a sample for the primary-source check). */
    sampleUsers: string[];
}

/** A read-only call that needs `permissions` (any of them), and what its absence costs. */
interface PermissionProbe {
    id: string;
    title: string;
    permissions: readonly string[];
    /** `fail` when the bot cannot do its job without it, `warn` when only a refinement is lost. */
    missing: CheckStatus;
    consequence: string;
    call(client: GenesysClient, on: ProbeTarget): Promise<unknown>;
}

/** What a probe reads: a watched unit, one of its agents, and now (epoch ms). */
interface ProbeTarget {
    unit: { id: string; businessUnitId?: string };
    user: string | undefined;
    now: number;
}

const HOUR_MS = 3_600_000;

/** The bot's Genesys features and the permission each needs, probed the way the bot calls them. */
const PROBES: readonly PermissionProbe[] = [
    {
        id: 'genesys.permission.realtimeAdherence',
        title: 'Real-time adherence (stream and snapshots)',
        permissions: ['wfm:realtimeAdherence:view'],
        missing: 'fail',
        consequence: 'no adherence is read, no agent is nudged',
        call: (c, { unit }) => c.getUnitAdherence(unit.id)
    },
    {
        id: 'genesys.permission.unitUsers',
        title: "Management unit's agents (schedule pre-check)",
        permissions: [
            'wfm:agent:view',
            'wfm:publishedSchedule:view',
            'wfm:schedule:view',
            'wfm:realtimeAdherence:view'
        ],
        missing: 'warn',
        consequence: 'the schedule exception pre-check is off',
        call: (c, { unit }) => c.listUnitUsers(unit.id)
    },
    {
        id: 'genesys.permission.schedules',
        title: 'Published schedules (schedule exception pre-check)',
        permissions: ['wfm:publishedSchedule:view', 'wfm:schedule:view'],
        missing: 'warn',
        consequence: 'the schedule exception pre-check is off (nudges are not deferred for time off or training)',
        call: (c, { unit, user, now }) =>
            c.searchSchedules(unit.id, {
                startDate: new Date(now).toISOString(),
                endDate: new Date(now + HOUR_MS).toISOString(),
                userIds: user ? [user] : []
            })
    },
    {
        id: 'genesys.permission.activityCodes',
        title: 'Activity codes (which activities are exceptions)',
        permissions: ['wfm:activityCode:view', 'wfm:schedule:view', 'wfm:publishedSchedule:view'],
        missing: 'warn',
        consequence: 'the schedule exception pre-check is off',
        call: (c, { unit }) => c.getActivityCodes(unit.businessUnitId ?? '')
    },
    {
        id: 'genesys.permission.userSearch',
        title: 'User search by e-mail (Teams user to agent)',
        permissions: ['directory:user:view'],
        missing: 'fail',
        consequence: 'no Teams user is mapped to an agent, so no agent gets a nudge',
        call: (c) => c.findUserByEmail('doctor-probe@example.invalid')
    }
];

/**
 * Login, units, the permissions of the bot's features, and the subscription of its topics. `facts` is undefined only
 * when the login failed (nothing else could be checked).
 */
export async function genesysChecks(
    client: GenesysClient,
    config: GenesysConfig,
    clock: Clock
): Promise<{ results: CheckResult[]; facts?: GenesysFacts }> {
    const login = await checkLogin(client, config, clock);
    if (login.status === 'fail') return { results: [login] };
    const units = await checkUnits(client, config);
    const results = [login, units.result];
    const first = units.found[0];
    if (!first) return { results, facts: { units: [], sampleUsers: [] } };
    let sampleUsers: string[] = [];
    try {
        sampleUsers = (await client.listUnitUsers(first.id)).slice(0, 5);
    } catch {
        // The unit-users probe below says why.
    }
    const target: ProbeTarget = { unit: first, user: sampleUsers[0], now: clock.now() };
    for (const probe of PROBES) results.push(await runProbe(probe, client, target));
    results.push(
        await checkTopics(
            client,
            units.found.map((u) => u.id)
        )
    );
    return { results, facts: { units: units.found.map((u) => u.id), sampleUsers } };
}

async function checkLogin(client: GenesysClient, config: GenesysConfig, clock: Clock): Promise<CheckResult> {
    const title = 'Genesys login and token lifetime';
    try {
        await client.tokens.getToken();
    } catch (error) {
        const status = isGenesysError(error) ? error.status : undefined;
        const fix =
            status === 401
                ? "GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET: Genesys refuses them (invalid_client). Copy both from Admin > Integrations > OAuth, a client of grant type 'Client Credentials'"
                : status === 400
                  ? "the OAuth client must have the grant type 'Client Credentials' (Admin > Integrations > OAuth)"
                  : `GENESYS_REGION (or GENESYS_LOGIN_URL): ${config.loginBaseUrl} must be reachable from this host`;
        return result('genesys.login', title, 'fail', `login refused: ${describeError(error)}`, fix);
    }
    const lifetimeMs = (client.tokens.expiresAt ?? clock.now()) - clock.now();
    const detail = `token issued, lifetime ${Math.round(lifetimeMs / 60_000)} min`;
    if (lifetimeMs <= 2 * config.tokenRefreshMarginMs)
        return result(
            'genesys.login',
            title,
            'warn',
            `${detail}: shorter than twice GENESYS_TOKEN_REFRESH_MARGIN_MS, tokens are fetched at half-life`,
            "raise the OAuth client's token duration (Admin > Integrations > OAuth, default 86400 s) or lower GENESYS_TOKEN_REFRESH_MARGIN_MS"
        );
    return result('genesys.login', title, 'pass', detail);
}

async function checkUnits(
    client: GenesysClient,
    config: GenesysConfig
): Promise<{ result: CheckResult; found: Array<{ id: string; businessUnitId?: string; name: string }> }> {
    const title = 'Management units exist and have real-time adherence';
    let listed;
    try {
        listed = await client.listManagementUnits();
    } catch (error) {
        return {
            result: result('genesys.units', title, 'fail', describeError(error), 'see the login check'),
            found: []
        };
    }
    const all = listed
        .filter((u) => typeof u.id === 'string')
        .map((u) => ({ id: u.id!, businessUnitId: u.businessUnit?.id, name: u.name ?? u.id! }));
    const configured = config.managementUnitIds;
    const found = configured.length ? all.filter((u) => configured.includes(u.id)) : all;
    const missing = configured.filter((id) => !all.some((u) => u.id === id));
    const grant = "grant wfm:realtimeAdherence:view (in the units' division) to the OAuth client's role";
    if (missing.length > 0)
        return {
            result: result(
                'genesys.units',
                title,
                'fail',
                `not found with real-time adherence: ${missing.join(', ')}`,
                `GENESYS_MANAGEMENT_UNITS: use ids of Admin > Workforce Management > Management Units, and ${grant}`
            ),
            found
        };
    if (found.length === 0)
        return {
            result: result(
                'genesys.units',
                title,
                'fail',
                'no management unit with real-time adherence is visible',
                grant
            ),
            found
        };
    const names = found.slice(0, 5).map((u) => u.name);
    const more = found.length > 5 ? ` and ${found.length - 5} more` : '';
    return {
        result: result('genesys.units', title, 'pass', `${found.length} unit(s): ${names.join(', ')}${more}`),
        found
    };
}

async function runProbe(probe: PermissionProbe, client: GenesysClient, target: ProbeTarget): Promise<CheckResult> {
    try {
        await probe.call(client, target);
        return result(probe.id, probe.title, 'pass', `allowed (${probe.permissions.join(' or ')})`);
    } catch (error) {
        if (isGenesysError(error) && error.code === 'GENESYS_FORBIDDEN')
            return result(
                probe.id,
                probe.title,
                probe.missing,
                `refused: ${probe.consequence}`,
                `grant ${probe.permissions.join(' or ')} to the OAuth client's role`
            );
        return result(probe.id, probe.title, 'fail', describeError(error), 'see the detail; run the doctor again');
    }
}

/** Subscribe the bot's topics on a fresh channel (which expires unused) and report each topic's answer. */
async function checkTopics(client: GenesysClient, units: readonly string[]): Promise<CheckResult> {
    const title = 'Adherence and schedule topics subscribe';
    const topics = units.slice(0, 500).flatMap((u) => [unitAdherenceTopic(u), unitSchedulesChangedTopic(u)]);
    let verdicts;
    try {
        const channel = await client.createChannel();
        verdicts = await client.subscribe(channel.id!, topics);
    } catch (error) {
        return result('genesys.topics', title, 'fail', describeError(error), 'see the detail; run the doctor again');
    }
    const refused = verdicts.filter((v) => v.state === 'Rejected');
    const missing = [...new Set(refused.flatMap((v) => v.missingPermissions ?? []))];
    const adherenceRefused = refused.filter((v) => v.id?.endsWith('.adherence')).length;
    const detail = `${verdicts.length - refused.length} of ${verdicts.length} topics permitted`;
    if (refused.length === 0) return result('genesys.topics', title, 'pass', detail);
    const which = `${adherenceRefused} adherence, ${refused.length - adherenceRefused} schedule topic(s) refused`;
    const fix = `grant ${missing.join(' or ') || 'the topics\u2019 permissions'} to the OAuth client's role`;
    return adherenceRefused > 0
        ? result('genesys.topics', title, 'fail', `${detail}; ${which}: those units are not streamed`, fix)
        : result('genesys.topics', title, 'warn', `${detail}; ${which}: republishes are told from bursts only`, fix);
}
