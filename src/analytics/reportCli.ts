import type { Clock } from '../domain/clock';
import type { AgentStateStore } from '../engine/ports';
import { isAnalyticsError } from './AnalyticsError';
import { parseAnalyticsConfig, timeZoneOfConfig } from './analyticsConfig';
import { createDriftReportService } from './driftReportService';
import { formatReportText } from './formatReport';
import { parseReportQuery } from './reportQuery';

export const REPORT_CLI_USAGE =
    'Usage: npm run report -- [--days N] [--unit <managementUnitId>] [--team <teamId>] [--json]';

export interface ReportCliArgs {
    days?: string;
    unit?: string;
    team?: string;
    json: boolean;
    help: boolean;
}

/** Parse `--days 7`, `--days=7`, `--unit X`, `--team T`, `--json`, `--help`; a bare number is the days. */
export function parseReportCliArgs(argv: readonly string[]): { args: ReportCliArgs; problems: string[] } {
    const args: ReportCliArgs = { json: false, help: false };
    const problems: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.indexOf('=');
        const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
        const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
        if (name === '--json') args.json = true;
        else if (name === '--help' || name === '-h') args.help = true;
        else if (name === '--days' || name === '--unit' || name === '--team') {
            const value = inline ?? argv[++i];
            if (value === undefined || (inline === undefined && value.startsWith('--'))) {
                problems.push(`${name} needs a value`);
                if (value !== undefined) i--;
            } else {
                args[name.slice(2) as 'days' | 'unit' | 'team'] = value;
            }
        } else if (/^\d+$/.test(arg) && args.days === undefined) args.days = arg;
        else problems.push(`unknown argument "${arg.slice(0, 40)}"`);
    }
    return { args, problems };
}

export interface ReportCliDeps {
    /**
     * Opens the store the bot is configured with, from the same environment: the store configuration reads
     * `REDIS_URL`, `REDIS_KEY_PREFIX`, `REDIS_SHARD_COUNT`… (this module never does). Returns `undefined` when that is
     * the embedded in-memory store, whose episode log lives only inside the running bot. Called once the arguments
     * are valid; throws on a bad store configuration. Closed by the CLI when done.
     */
    openStore: (env: Record<string, string | undefined>) => Pick<AgentStateStore, 'readLog' | 'close'> | undefined;
    clock: Pick<Clock, 'now'>;
    out: (text: string) => void;
    err: (text: string) => void;
}

/**
 * `npm run report`: the drift report of the configured store, as text or JSON. Returns the exit code:
 * 0 done, 1 nothing to report or store unavailable, 2 bad arguments or configuration.
 * The Redis URL may hold a password: it is never printed.
 */
export async function runReportCli(
    argv: readonly string[],
    env: Record<string, string | undefined>,
    deps: ReportCliDeps
): Promise<number> {
    const { args, problems } = parseReportCliArgs(argv);
    if (args.help) {
        deps.out(REPORT_CLI_USAGE);
        return 0;
    }
    let config;
    let query;
    try {
        config = parseAnalyticsConfig(env);
    } catch (err) {
        deps.err(err instanceof Error ? err.message : String(err));
        return 2;
    }
    try {
        query = parseReportQuery({ days: args.days, unit: args.unit, team: args.team }, config);
    } catch (err) {
        if (!isAnalyticsError(err)) throw err;
        problems.push(...err.problems);
    }
    if (problems.length > 0 || query === undefined) {
        deps.err(`Invalid arguments: ${problems.join('; ')}\n${REPORT_CLI_USAGE}`);
        return 2;
    }
    let store: Pick<AgentStateStore, 'readLog' | 'close'> | undefined;
    try {
        store = deps.openStore(env);
    } catch (err) {
        deps.err(`Invalid store configuration: ${err instanceof Error ? err.message : String(err)}`);
        return 2;
    }
    if (store === undefined) {
        deps.err(
            'REDIS_URL is not set: the bot is using its in-memory store, whose episode log lives only inside the ' +
                'running bot process, so there is nothing to report from here. Set REDIS_URL (and REDIS_KEY_PREFIX) ' +
                'to the Redis the bot uses.'
        );
        return 1;
    }
    try {
        const service = createDriftReportService({
            store,
            clock: deps.clock,
            timeZoneOf: timeZoneOfConfig(config),
            retentionDays: config.retentionDays,
            topAgents: config.topAgents
        });
        const report = await service.report(query);
        if (args.json) {
            deps.out(JSON.stringify(report, null, 2));
        } else {
            const zone = report.timeZones.length === 1 ? report.timeZones[0] : config.defaultTimeZone;
            const format = new Intl.DateTimeFormat('en-GB', {
                timeZone: zone,
                dateStyle: 'medium',
                timeStyle: 'short'
            });
            const label = (at: number) => `${format.format(at)} ${zone}`;
            deps.out(formatReportText(report, label));
        }
        return 0;
    } catch (err) {
        if (isAnalyticsError(err)) {
            const causeCode = (err.cause as { code?: unknown } | undefined)?.code;
            deps.err(
                `Could not read the episode log (${err.code}${typeof causeCode === 'string' ? `, ${causeCode}` : ''}): ` +
                    'is Redis reachable at the configured REDIS_URL?'
            );
        } else {
            const message = err instanceof Error ? err.message : String(err);
            deps.err(`Could not report: ${message.replace(/\/\/[^@/\s]*@/g, '//[redacted]@')}`);
        }
        return 1;
    } finally {
        await store.close().catch(() => undefined);
    }
}
