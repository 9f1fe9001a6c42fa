import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import type { Logger } from '../kit/Logger';
import type { SyncMetrics } from './createSyncMetrics';
import { isSyncError } from './SyncError';
import type { SyncConfig } from './syncConfig';
import type { SyncHttp } from './SyncHttp';

/** A synced agent whose writes Genesys does not show: its primary presence source is another one. */
export interface NotPrimaryAgent {
    agentId: string;
    /** The source Genesys shows the agent's presence from. */
    primarySourceId: string | null;
    primarySourceName: string | null;
    /** When it was first found so (ISO-8601). */
    since: string;
}

/** The primary-source part of `GET /api/sync/diagnostics`. */
export interface PrimarySourceView {
    /** The worker's presence source (SYNC_PRESENCE_SOURCE_ID). */
    sourceId: string;
    /** SYNC_SET_PRIMARY_SOURCE. */
    setPrimary: boolean;
    /** Agents known to the worker (the agent map and every agent written to). */
    agents: number;
    lastFullCheckAt: string | null;
    /** Every synced agent found with another primary source (the worker's writes change nothing Genesys shows). */
    notPrimary: NotPrimaryAgent[];
    /** Agents the worker made its source primary for since start. */
    madePrimary: number;
    /** Why checking or setting the primary source fails now (a missing permission...), null when it works. */
    problem: string | null;
}

export interface PrimarySourceCheckDeps {
    http: SyncHttp;
    config: Pick<SyncConfig, 'setPrimarySource' | 'primaryCheckIntervalMs' | 'agentMap'> & { presenceSourceId: string };
    /** Genesys REST base, e.g. `https://api.mypurecloud.com`. */
    apiBaseUrl: string;
    clock: Clock;
    logger: Logger;
    metrics: Pick<SyncMetrics, 'notPrimary'>;
    /**
     * Agents read per pass (one call each): the check takes at most this share of the target's rate budget, so it
     * never holds back the writes (10 per 10 s pass is 60 of 300 calls a minute). @default 10
     */
    checksPerPass?: number;
}

/** Agents named in one warning. */
const SAMPLE = 10;

/**
 * Genesys shows (and computes adherence from) a user's presence on their primary presence source only; a write to any
 * other source is stored and shown nowhere (`GET`/`PUT /api/v2/presence/users/{userId}/primarysource`,
 * `PresenceApi.js:255-280,760-790`). This checks the primary source of every synced agent: the agents of the agent map
 * and every agent written to, new ones first, all of them again every `primaryCheckIntervalMs`, a few per pass. With
 * `setPrimarySource` it makes the worker's source primary; otherwise (or when that is refused) it lists the agents in
 * the diagnostics, counts them in `sync_agents_not_primary` and warns once per newly found batch.
 */
export class PrimarySourceCheck {
    private readonly known = new Set<string>();
    /** Never checked: read first. */
    private readonly fresh = new Set<string>();
    /** Due again (the full re-check). */
    private readonly due = new Set<string>();
    private readonly notPrimary = new Map<string, NotPrimaryAgent>();
    private readonly problemsLogged = new Set<string>();
    private lastFullAt: number | undefined;
    private made = 0;
    /** Why the last read / the last edit failed; null once one succeeds. */
    private readonly problems: { read: string | null; edit: string | null } = { read: null, edit: null };

    constructor(private readonly deps: PrimarySourceCheckDeps) {
        for (const id of Object.values(deps.config.agentMap)) this.note(id);
    }

    /** An agent the worker writes to. */
    note(agentId: string): void {
        if (this.known.has(agentId)) return;
        this.known.add(agentId);
        this.fresh.add(agentId);
    }

    view(): PrimarySourceView {
        const { config } = this.deps;
        return {
            sourceId: config.presenceSourceId,
            setPrimary: config.setPrimarySource,
            agents: this.known.size,
            lastFullCheckAt: this.lastFullAt === undefined ? null : formatIsoUtc(this.lastFullAt),
            notPrimary: [...this.notPrimary.values()],
            madePrimary: this.made,
            problem: this.problems.edit ?? this.problems.read
        };
    }

    /** One pass over the next agents: never checked ones first, then those due again. `signal` ends it. */
    async checkOnce(signal: AbortSignal): Promise<void> {
        const { clock, config } = this.deps;
        const now = clock.now();
        if (this.lastFullAt === undefined || now - this.lastFullAt >= config.primaryCheckIntervalMs) {
            this.lastFullAt = now;
            for (const id of this.known) if (!this.fresh.has(id)) this.due.add(id);
        }
        const ids = [...this.fresh, ...this.due].slice(0, this.deps.checksPerPass ?? 10);
        const found: string[] = [];
        let mayEdit = config.setPrimarySource;
        for (const id of ids) {
            if (signal.aborted) return;
            let primary: Genesys.Models.UserPrimarySource;
            try {
                primary = await this.read(id, signal);
            } catch (error) {
                if (signal.aborted) return;
                if (this.trouble(error, 'read')) break;
                continue;
            }
            this.fresh.delete(id);
            this.due.delete(id);
            if (primary.sourceId === config.presenceSourceId) {
                this.notPrimary.delete(id);
                continue;
            }
            if (mayEdit && (await this.makePrimary(id, signal))) continue;
            if (signal.aborted) return;
            mayEdit &&= this.problems.edit === null;
            if (!this.notPrimary.has(id)) found.push(id);
            this.notPrimary.set(id, {
                agentId: id,
                primarySourceId: primary.sourceId ?? null,
                primarySourceName: primary.name ?? null,
                since: this.notPrimary.get(id)?.since ?? formatIsoUtc(clock.now())
            });
        }
        this.deps.metrics.notPrimary.set(this.notPrimary.size);
        if (found.length > 0) this.warn(found);
    }

    private async read(userId: string, signal: AbortSignal): Promise<Genesys.Models.UserPrimarySource> {
        const res = await this.deps.http.send<Genesys.Models.UserPrimarySource>({
            method: 'GET',
            url: `${this.deps.apiBaseUrl}/api/v2/presence/users/${encodeURIComponent(userId)}/primarysource`,
            signal
        });
        this.problems.read = null;
        return res.data ?? {};
    }

    /** True when the worker's source is now the agent's primary one. */
    private async makePrimary(userId: string, signal: AbortSignal): Promise<boolean> {
        const { http, apiBaseUrl, config, logger } = this.deps;
        const body: Genesys.Models.UserPrimarySource = { sourceId: config.presenceSourceId };
        try {
            await http.send({
                method: 'PUT',
                url: `${apiBaseUrl}/api/v2/presence/users/${encodeURIComponent(userId)}/primarysource`,
                body,
                signal
            });
        } catch (error) {
            if (!signal.aborted) this.trouble(error, 'edit');
            return false;
        }
        this.problems.edit = null;
        this.made++;
        this.notPrimary.delete(userId);
        logger.info({ agentId: userId, sourceId: config.presenceSourceId }, 'sync presence source made primary');
        return true;
    }

    /** Note why a read or an edit failed, a refusal logged once; true when it is a refusal (403: stop asking). */
    private trouble(error: unknown, call: 'read' | 'edit'): boolean {
        const permission = `presence:userPrimarySource:${call === 'read' ? 'view' : 'edit'}`;
        const refused = isSyncError(error) && error.status === 403;
        const problem = refused
            ? `Genesys refused the primary-source ${call}: the OAuth client needs ${permission}`
            : `primary-source ${call} failed: ${(error as Error).message}`;
        this.problems[call] = problem;
        if (refused && !this.problemsLogged.has(permission)) {
            this.problemsLogged.add(permission);
            this.deps.logger.error({ permission, fix: `grant ${permission} to the OAuth client's role` }, problem);
        }
        return refused;
    }

    private warn(found: string[]): void {
        const { config, logger } = this.deps;
        logger.warn(
            {
                agents: found.length,
                total: this.notPrimary.size,
                sample: found.slice(0, SAMPLE),
                sourceId: config.presenceSourceId,
                fix: config.setPrimarySource
                    ? 'grant presence:userPrimarySource:edit so the worker can make its source primary'
                    : 'set SYNC_SET_PRIMARY_SOURCE=true (with presence:userPrimarySource:edit), or make the source primary in Genesys'
            },
            `Genesys does not show the sync worker's writes for ${found.length} more agent(s): their primary presence source is another one (listed in /api/sync/diagnostics)`
        );
    }
}
