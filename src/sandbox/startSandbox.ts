import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../app/config';
import { createApp, type App } from '../app/createApp';
import { createLogger } from '../app/logger';
import type { Logger } from '../kit/Logger';
import { createSystemClock } from '../kit/systemClock';
import type { Clock } from '../domain/clock';
import { startGenesysEmulator, type RunningEmulator } from '../emulator/GenesysEmulator';
import { startAgentsPlayground, type RunningPlayground } from './agentsPlayground';
import { PLAYGROUND } from './playgroundIdentity';
import type { SandboxConfig } from './sandboxConfig';
import { choosePersona, SandboxScenario, type Persona, type ScenarioStep } from './SandboxScenario';

type Env = Record<string, string | undefined>;

export interface SandboxOptions {
    /** The environment passed through to the bot's own configuration (REDIS_URL, TEAMS_TIME_ZONE, …). @default {} */
    env?: Env;
    /** @default the wall clock */
    clock?: Clock;
    /** The bot's logger. @default JSON lines to `logFile` */
    logger?: Logger;
    /** `.m365agentsplayground.yml`. @default the one at the repository root */
    playgroundConfigPath?: string;
    /** Human-readable progress lines (component URLs, scripted steps). @default none */
    onLine?(line: string): void;
}

export interface Sandbox {
    emulator: RunningEmulator;
    app: App;
    playground: RunningPlayground | undefined;
    persona: Persona;
    scenario: SandboxScenario;
    urls: { bot: string; emulator: string; playground: string | undefined };
    /** Stops the scenario, the Playground, the bot and the emulator, in that order. Safe to call twice. */
    close(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** `preferred` if it can be bound on `host`, else (or for 0) a free port; `busy` says the preferred one was taken. */
export async function choosePort(preferred: number, host: string): Promise<{ port: number; busy: boolean }> {
    const tryListen = (port: number): Promise<number | undefined> =>
        new Promise((resolve) => {
            const server = net.createServer();
            server.once('error', () => resolve(undefined));
            server.listen(port, host, () => {
                const bound = (server.address() as net.AddressInfo).port;
                server.close(() => resolve(bound));
            });
        });
    if (preferred !== 0) {
        const bound = await tryListen(preferred);
        if (bound !== undefined) return { port: bound, busy: false };
    }
    const free = await tryListen(0);
    if (free === undefined) throw new Error(`no free port on ${host}`);
    return { port: free, busy: preferred !== 0 };
}

function clockTime(at: number, timeZone: string): string {
    return new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false
    }).format(at);
}

/** The bot's environment: what the caller passed, with the sandbox's own settings on top. */
export function sandboxAppEnv(
    config: SandboxConfig,
    env: Env,
    facts: { botPort: number; emulator: RunningEmulator; persona: Persona }
): Env {
    const { emulator, persona } = facts;
    const u = PLAYGROUND.user;
    return {
        ...env,
        ADHERENCE_MODE: 'sandbox',
        REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX?.trim() || 'adb:sandbox:',
        PORT: String(facts.botPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: config.logLevel,
        BOT_ID: '',
        BOT_PASSWORD: '',
        GENESYS_REGION: '',
        GENESYS_API_URL: emulator.url,
        GENESYS_LOGIN_URL: emulator.loginUrl,
        GENESYS_CLIENT_ID: emulator.clientId,
        GENESYS_CLIENT_SECRET: emulator.clientSecret,
        GENESYS_MANAGEMENT_UNITS: '',
        ADHERENCE_NUDGE_AFTER_MS: String(config.nudgeAfterMs),
        ADHERENCE_ALERT_AFTER_MS: String(config.alertAfterMs),
        ADHERENCE_EXCEPTION_AFTER_MS: String(config.exceptionAfterMs),
        ADHERENCE_THRESHOLD_OVERRIDES: '',
        ADHERENCE_DAMPEN_WINDOW_MS: String(config.dampenWindowMs),
        TEAMS_USER_MAP: `${u.email}=${persona.agentId},${u.aadObjectId}=${persona.agentId}`,
        TEAMS_SUPERVISORS: `${u.aadObjectId}:${persona.unitId},${u.id}:${persona.unitId}`
    };
}

/**
 * The activities the Playground itself posts when Alex opens the General channel and types
 * `@Adherence subscribe <unit>`: the bot's real install and subscribe path routes the unit's alerts there.
 */
async function subscribeGeneralChannel(botUrl: string, serviceUrl: string, unitName: string): Promise<void> {
    const u = PLAYGROUND.user;
    const base = {
        channelId: 'msteams',
        serviceUrl,
        from: { id: u.id, name: u.name, aadObjectId: u.aadObjectId },
        recipient: { id: PLAYGROUND.bot.id, name: PLAYGROUND.bot.name },
        conversation: {
            isGroup: true,
            conversationType: 'channel',
            tenantId: PLAYGROUND.tenantId,
            id: PLAYGROUND.generalChannelId
        },
        channelData: {
            tenant: { id: PLAYGROUND.tenantId },
            team: { id: PLAYGROUND.team.id, name: PLAYGROUND.team.name, aadGroupId: PLAYGROUND.team.aadGroupId },
            channel: { id: PLAYGROUND.generalChannelId }
        },
        locale: 'en-US',
        timestamp: new Date().toISOString()
    };
    const mention = `<at>${PLAYGROUND.bot.name}</at>`;
    const activities = [
        { ...base, id: 'sandbox-install-general', type: 'installationUpdate', action: 'add' },
        {
            ...base,
            id: 'sandbox-subscribe-general',
            type: 'message',
            text: `${mention} subscribe ${unitName}`,
            entities: [
                { type: 'mention', text: mention, mentioned: { id: PLAYGROUND.bot.id, name: PLAYGROUND.bot.name } }
            ]
        }
    ];
    for (const activity of activities) {
        const res = await fetch(`${botUrl}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify(activity)
        });
        await res.arrayBuffer();
    }
}

/**
 * Start the whole product on this machine with no outside service: the Genesys Cloud emulator with a simulated
 * contact center, the bot (`createApp`, in-memory store or `REDIS_URL`) pointed at it, and the Agents Playground
 * pointed at the bot, with the Playground user mapped to one agent and supervising that agent's unit.
 */
export async function startSandbox(config: SandboxConfig, options: SandboxOptions = {}): Promise<Sandbox> {
    const clock = options.clock ?? createSystemClock();
    const env = options.env ?? {};
    const say = options.onLine ?? (() => undefined);
    const timeZone = env.TEAMS_TIME_ZONE?.trim() || 'UTC';
    const closers: Array<() => Promise<void> | void> = [];
    const closeAll = async (): Promise<void> => {
        for (const c of closers.splice(0).reverse()) {
            try {
                await c();
            } catch {
                // keep closing the rest
            }
        }
    };

    try {
        let logger = options.logger;
        if (!logger) {
            const logFile = config.logFile === '-' ? '-' : path.resolve(ROOT, config.logFile);
            const destination =
                logFile === '-' ? pino.destination(2) : pino.destination({ dest: logFile, mkdir: true, sync: true });
            logger = createLogger({ level: config.logLevel, destination });
            if (logFile !== '-') closers.push(() => destination.end());
        }

        const emulatorPort = await choosePort(config.emulatorPort, '127.0.0.1');
        const emulator = await startGenesysEmulator({
            clock,
            port: emulatorPort.port,
            seed: config.seed,
            units: config.units,
            agentsPerUnit: config.agentsPerUnit,
            simulate: config.simulate,
            simulationTickMs: config.simulationTickMs,
            driftPerAgentPerHour: config.driftPerAgentPerHour,
            lateProbability: config.lateProbability
        });
        closers.push(() => emulator.close());
        const center = emulator.control.center;
        const persona = choosePersona(center, clock.now());

        const botPort = await choosePort(config.botPort, '127.0.0.1');
        const playgroundPort = config.playground ? await choosePort(config.playgroundPort, '0.0.0.0') : undefined;
        const appConfig = loadConfig(sandboxAppEnv(config, env, { botPort: botPort.port, emulator, persona }));
        const app = await createApp(appConfig, { clock, logger });
        closers.push(() => app.close());

        const busy = (p: { busy: boolean }, name: string, wanted: number): string =>
            p.busy ? ` (${name} ${wanted} was busy)` : '';
        const units = center.units.map((u) => `${u.name}: ${u.agentIds.length} agents`).join(', ');
        say(
            `Genesys Cloud emulator  ${emulator.url}  (${units}${config.simulate ? ', simulation on' : ''})${busy(emulatorPort, 'port', config.emulatorPort)}`
        );
        say(
            `Adherence bot           ${app.url}/api/messages  (health ${app.url}/healthz, metrics ${app.url}/metrics, store ${appConfig.store.kind === 'redis' ? 'Redis' : 'in memory'})${busy(botPort, 'port', config.botPort)}`
        );

        let playground: RunningPlayground | undefined;
        if (playgroundPort) {
            playground = await startAgentsPlayground({
                port: playgroundPort.port,
                botEndpoint: `${app.url}/api/messages`,
                configPath: options.playgroundConfigPath ?? path.join(ROOT, '.m365agentsplayground.yml'),
                logFile: path.join(
                    config.logFile === '-'
                        ? path.join(ROOT, 'artifacts', 'sandbox')
                        : path.dirname(path.resolve(ROOT, config.logFile)),
                    'playground.log'
                )
            });
            const running = playground;
            closers.push(() => running.close());
            await subscribeGeneralChannel(app.url, playground.serviceUrl, persona.unitName);
            const subscribed = await app.botStore.subscriptionOf(persona.unitId);
            say(
                `Agents Playground       ${playground.url}  (open it in a browser)${busy(playgroundPort, 'port', config.playgroundPort)}`
            );
            if (subscribed !== PLAYGROUND.generalChannelId)
                say(
                    `warning: could not subscribe ${persona.unitName} to the General channel; type "@Adherence subscribe ${persona.unitName}" there`
                );
        } else {
            say('Agents Playground       off (SANDBOX_PLAYGROUND=false)');
        }
        say(
            `You are                 ${PLAYGROUND.user.name} = agent ${persona.agentName} <${persona.agentEmail}> of ${persona.unitName}, and a supervisor of ${persona.unitName} (alerts in Contact Center > General)`
        );

        const scenario = new SandboxScenario({
            clock,
            control: emulator.control,
            persona,
            timing: { ...config, teammateExplainAfterMs: Math.round((config.nudgeAfterMs + config.alertAfterMs) / 2) },
            onStep: (step: ScenarioStep) => say(describeStep(step, config, timeZone)),
            explain: async (agentId, explanation) => {
                const state = app.engine.agent(agentId)?.state;
                if (!state || state.status === 'adherent') return false;
                return (await app.engine.explain(agentId, state.episode.id, explanation)).ok;
            }
        });
        scenario.start();
        closers.push(() => scenario.stop());

        let watcher: ReturnType<Clock['setTimeout']> | undefined;
        let watching = true;
        const watch = async (): Promise<void> => {
            const user = await app.botStore.userByGenesysId(persona.agentId).catch(() => undefined);
            const personal = user ? await app.botStore.getPersonal(user.teamsUserId).catch(() => undefined) : undefined;
            if (personal) {
                say(
                    `${clockTime(clock.now(), timeZone)}  ${PLAYGROUND.user.name} opened the chat; the scripted drift starts in ${config.scenarioDelayMs / 1000} s`
                );
                scenario.userArrived();
                return;
            }
            if (watching) watcher = clock.setTimeout(() => void watch(), 500);
        };
        void watch();
        closers.push(() => {
            watching = false;
            if (watcher) clock.clearTimeout(watcher);
        });

        let closed: Promise<void> | undefined;
        return {
            emulator,
            app,
            playground,
            persona,
            scenario,
            urls: { bot: `${app.url}/api/messages`, emulator: emulator.url, playground: playground?.url },
            close: () => (closed ??= closeAll())
        };
    } catch (error) {
        await closeAll();
        throw error;
    }
}

function describeStep(step: ScenarioStep, config: SandboxConfig, timeZone: string): string {
    const at = clockTime(step.at, timeZone);
    const s = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
    if (step.type === 'republish')
        return `${at}  schedule republish in ${step.unitName}: ${step.moved} schedules moved (dampened for ${s(config.dampenWindowMs)})`;
    if (step.type === 'explained')
        return `${at}  ${step.teammateName} explained from the nudge (${step.reason}); approve or deny it on the alert in General`;
    const who = step.teammateName ? `${step.agentName} (you) and ${step.teammateName}` : `${step.agentName} (you)`;
    if (step.type === 'drift') {
        return `${at}  scripted drift: ${who} went Away; nudge in ${s(config.nudgeAfterMs)}, alert in ${s(config.alertAfterMs)}, exception in ${s(config.exceptionAfterMs)}`;
    }
    return `${at}  ${who} back on queue`;
}
