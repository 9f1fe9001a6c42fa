import type { Clock } from '../../domain/clock';
import { GenesysClient } from '../../adapters/genesys/GenesysClient';
import { isConfigError } from '../../kit/ConfigError';
import type { Env } from '../../kit/env';
import { silentLogger } from '../../kit/Logger';
import { systemClock } from '../../kit/systemClock';
import { loadConfig, type Config } from '../config';
import { result, type CheckResult, type DoctorReport } from './doctorTypes';
import { genesysChecks } from './genesysChecks';
import { redisCheck } from './redisCheck';
import { syncChecks } from './syncChecks';
import { teamsCheck } from './teamsCheck';

export interface DoctorOptions {
    /** @default the wall clock */
    clock?: Clock;
    /** Bot Framework login base (test seam). @default https://login.microsoftonline.com */
    botLoginUrl?: string;
    /** Per call, ms. @default 10000 */
    timeoutMs?: number;
}

/**
 * What `npm run doctor` checks with the production environment before going live: the configuration parses; Genesys
 * login and token lifetime, the units, every permission of the configured features (probed with the bot's own calls,
 * read-only where possible), the topics; the sync worker's presence source and its primary status (sample); the Teams
 * bot credentials; Redis. `ok` only when no check failed. No secret reaches the report.
 */
export async function runDoctor(env: Env, options: DoctorOptions = {}): Promise<DoctorReport> {
    const clock = options.clock ?? systemClock;
    const timeoutMs = options.timeoutMs ?? 10_000;
    let config: Config;
    try {
        config = loadConfig(env);
    } catch (error) {
        if (!isConfigError(error)) throw error;
        const checks = [
            result(
                'config',
                'Configuration parses',
                'fail',
                error.problems.join('; '),
                'set or correct each variable listed (README, Configuration)'
            )
        ];
        return { ok: false, checks };
    }
    const checks: CheckResult[] = [result('config', 'Configuration parses', 'pass', describeConfig(config))];
    if (config.genesys) {
        const client = new GenesysClient({
            config: { ...config.genesys, maxAttempts: 1, requestTimeoutMs: timeoutMs },
            clock,
            random: Math.random,
            logger: silentLogger(),
            keepAlive: false
        });
        try {
            const genesys = await genesysChecks(client, config.genesys, clock);
            checks.push(...genesys.results);
            if (genesys.facts) checks.push(...(await syncChecks(client, config.sync, genesys.facts)));
            else if (config.sync.enabled) checks.push(result('sync', 'Sync worker', 'skip', 'needs the Genesys login'));
        } finally {
            client.close();
        }
    } else checks.push(result('genesys', 'Genesys', 'skip', 'not configured (no GENESYS_* variable, not production)'));
    checks.push(await teamsCheck(config.teams, { loginUrl: options.botLoginUrl, timeoutMs }));
    checks.push(await redisCheck(config.store, { timeoutMs }));
    return { ok: !checks.some((c) => c.status === 'fail'), checks };
}

function describeConfig(config: Config): string {
    const parts = [
        `${config.app.mode} mode`,
        config.genesys ? `Genesys ${config.genesys.apiBaseUrl}` : 'no Genesys',
        config.store.kind === 'redis' ? 'Redis store' : 'in-memory store',
        config.sync.enabled ? `sync worker (${config.sync.target} target)` : 'no sync worker'
    ];
    return parts.join('; ');
}
