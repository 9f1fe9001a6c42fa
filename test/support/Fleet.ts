import { join } from 'node:path';
import Redis from 'ioredis';
import { createSystemClock } from '../../src/kit/systemClock';
import { RedisBotStore } from '../../src/adapters/teams/RedisBotStore';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { BOT, TENANT } from './activities';
import { FakeBotConnector, TEAMS_LIMITS } from './fakeBotConnector';
import { genesysEnv } from './genesysEnv';
import { NodeProcess } from './NodeProcess';
import { cleanup, redisUrl, uniquePrefix } from './redis';
import { TcpProxy } from './TcpProxy';

const ROOT = join(__dirname, '..', '..');

/** A bot process run from the sources (`tsx src/index.ts`) in test mode, on a free loopback port, with `env` on top. */
export function botProcess(label: string, env: Record<string, string>): NodeProcess {
    return new NodeProcess({
        label,
        cwd: ROOT,
        args: ['--import', 'tsx', 'src/index.ts'],
        env: {
            PATH: process.env.PATH ?? '',
            ADHERENCE_MODE: 'test',
            PORT: '0',
            HOST: '127.0.0.1',
            LOG_LEVEL: 'info',
            ...env
        }
    });
}

export interface FleetOptions {
    /** Bot processes. @default 2 */
    instances?: number;
    /** Management units of the emulator (one alert channel each). @default 10 */
    units?: number;
    /** @default 30 */
    agentsPerUnit?: number;
    /** Variables added to (or overriding) every bot's environment. */
    env?: Record<string, string>;
    /** Route each bot's Redis connection through its own {@link TcpProxy}, so a test can cut it. @default false */
    proxied?: boolean;
}

/** A Genesys agent of the emulator with the Teams user and personal chat the fleet gave it. */
export interface FleetAgent {
    id: string;
    unitId: string;
    teamsUserId: string;
    /** The personal conversation its nudges go to. */
    conversationId: string;
}

/**
 * Several real bot processes (`src/index.ts` under tsx, test mode, Bot Framework authentication off) on one real
 * Redis, fed by the Genesys emulator (real clock, real REST and WebSocket) and delivering to a fake Bot Connector that
 * enforces Teams' rate limits with 429s. Every agent has a personal chat with the bot and every unit an alert channel,
 * written to the bot store before the processes start. Everything is on loopback; `stop()` ends it all.
 */
export class Fleet {
    readonly prefix = uniquePrefix('fleet');
    readonly connector = new FakeBotConnector({ limits: TEAMS_LIMITS });
    readonly bots: NodeProcess[] = [];
    readonly proxies: TcpProxy[] = [];
    readonly agents: FleetAgent[] = [];
    emulator!: RunningEmulator;
    private readonly options: Required<Omit<FleetOptions, 'env'>> & { env: Record<string, string> };

    constructor(options: FleetOptions = {}) {
        this.options = {
            instances: options.instances ?? 2,
            units: options.units ?? 10,
            agentsPerUnit: options.agentsPerUnit ?? 30,
            env: options.env ?? {},
            proxied: options.proxied ?? false
        };
    }

    /** Starts the emulator and the connector, writes the Teams side of every agent, then starts every bot. */
    async start(): Promise<void> {
        this.emulator = await startGenesysEmulator({
            clock: createSystemClock(),
            units: this.options.units,
            agentsPerUnit: this.options.agentsPerUnit,
            simulate: false,
            rateLimitPerMinute: 0
        });
        await this.connector.start();
        await this.seedTeams();
        for (let i = 0; i < this.options.instances; i++) {
            if (this.options.proxied) {
                const target = new URL(redisUrl);
                const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
                await proxy.start();
                this.proxies.push(proxy);
            }
            this.bots.push(this.spawn(i));
        }
        await Promise.all(this.bots.map((_, i) => this.ready(i)));
    }

    /**
     * Starts bot `i` again (after a kill), with the same instance id or `instanceId` (a replacement host: it may not
     * take over the dead process's claims before their leases end).
     */
    async restart(i: number, instanceId?: string): Promise<NodeProcess> {
        await this.bots[i].exited;
        this.bots[i] = this.spawn(i, instanceId);
        await this.ready(i);
        return this.bots[i];
    }

    /** The URL bot `i` listens on (from its start-up log line). */
    async urlOf(i: number): Promise<string> {
        await this.ready(i);
        return String(this.bots[i].logs().find((l) => l.msg === 'adherence drift bot listening')?.url);
    }

    /**
     * Resolves once bot `i` listens and its Genesys stream is connected with every unit's snapshot applied. The
     * deadline only stops a broken start from hanging: a loaded 2-core machine may take long to load the sources.
     */
    async ready(i: number): Promise<void> {
        await this.bots[i].waitForLog((l) => l.msg === 'adherence drift bot listening', 120_000);
    }

    /** Agents scheduled on queue and in adherence now (the ones a presence change makes drift). */
    adherentAgents(): FleetAgent[] {
        const center = this.emulator.control.center;
        return this.agents.filter((a) => {
            const agent = center.agents.get(a.id);
            return (
                agent?.adherence.adherenceState === 'InAdherence' && agent.adherence.scheduledCategory === 'OnQueueWork'
            );
        });
    }

    /** The alert channel of a unit. */
    channelOf(unitId: string): string {
        return `19:alerts-${unitId}@thread.tacv2`;
    }

    async stop(): Promise<void> {
        await Promise.all(this.bots.map((b) => b.stop()));
        await Promise.all(this.proxies.map((p) => p.stop()));
        await this.connector.stop();
        await this.emulator?.close();
        await cleanup(this.prefix);
    }

    private spawn(i: number, instanceId = `bot-${i}`): NodeProcess {
        const redis = this.options.proxied ? `redis://127.0.0.1:${this.proxies[i].port}` : redisUrl;
        return botProcess(`bot-${i}`, {
            INSTANCE_ID: instanceId,
            REDIS_URL: redis,
            REDIS_KEY_PREFIX: this.prefix,
            ...genesysEnv(this.emulator),
            GENESYS_REQUESTS_PER_MINUTE: '100000',
            ...this.options.env
        });
    }

    private async seedTeams(): Promise<void> {
        const client = new Redis(redisUrl, { keyPrefix: this.prefix, lazyConnect: true });
        const store = new RedisBotStore(client);
        try {
            await client.connect();
            const serviceUrl = this.connector.url;
            for (const unit of this.emulator.control.center.units) {
                const channel = this.channelOf(unit.id);
                await store.saveConversation(channel, {
                    kind: 'channel',
                    savedAt: 0,
                    reference: {
                        bot: BOT,
                        conversation: { id: channel, conversationType: 'channel', isGroup: true, tenantId: TENANT },
                        channelId: 'msteams',
                        serviceUrl
                    }
                });
                await store.subscribe(unit.id, channel);
            }
            for (const agent of this.emulator.control.center.agents.values()) {
                const teamsUserId = `29:teams-${agent.id}`;
                const conversationId = `a:personal-${agent.id}`;
                await store.saveUser({ teamsUserId, genesysUserId: agent.id, name: agent.name, email: agent.email });
                await store.savePersonal(teamsUserId, {
                    kind: 'personal',
                    savedAt: 0,
                    reference: {
                        bot: BOT,
                        user: { id: teamsUserId, name: agent.name },
                        conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
                        channelId: 'msteams',
                        serviceUrl
                    }
                });
                this.agents.push({ id: agent.id, unitId: agent.managementUnitId, teamsUserId, conversationId });
            }
        } finally {
            client.disconnect();
        }
    }
}
