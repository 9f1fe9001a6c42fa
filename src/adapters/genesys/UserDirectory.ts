import type { Clock } from '../../domain/clock';
import { raceAbort } from '../../kit/abort';
import { silentLogger, type Logger } from '../../kit/Logger';
import type { GenesysClient, GenesysUser } from './GenesysClient';
import { GENESYS_DEFAULTS } from './genesysConfig';
import { abortError } from './resilience';

export interface DirectoryUser {
    id: string;
    name: string;
    email?: string;
}

export interface UserDirectoryOptions {
    client: Pick<GenesysClient, 'getUsers' | 'findUserByEmail'>;
    clock: Clock;
    /** Cache lifetime of an entry. @default 3600000 */
    ttlMs?: number;
    /** Most entries kept (oldest dropped first). @default 50000 */
    maxEntries?: number;
    logger?: Logger;
}

interface Entry {
    user: DirectoryUser | undefined;
    fetchedAt: number;
}

/**
 * Names and emails of Genesys users (adherence events carry only the id). Cached with a TTL, fetched in batches of
 * 100, and concurrent look-ups of the same id share one request. A user Genesys does not know is cached as absent.
 */
export class UserDirectory {
    private readonly cache = new Map<string, Entry>();
    private readonly inFlight = new Map<string, Promise<void>>();
    private readonly byEmail = new Map<string, string>();
    private readonly logger: Logger;
    private readonly ttlMs: number;

    constructor(private readonly options: UserDirectoryOptions) {
        this.logger = options.logger ?? silentLogger();
        this.ttlMs = options.ttlMs ?? GENESYS_DEFAULTS.userCacheTtlMs;
    }

    /** The known users among `ids` (unknown ids are absent from the map). */
    async get(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, DirectoryUser>> {
        const now = this.options.clock.now();
        const ttl = this.ttlMs;
        const missing: string[] = [];
        const waits: Promise<void>[] = [];
        for (const id of new Set(ids)) {
            const e = this.cache.get(id);
            if (e && now - e.fetchedAt < ttl) continue;
            const pending = this.inFlight.get(id);
            if (pending) waits.push(pending);
            else missing.push(id);
        }
        if (missing.length > 0) {
            // Shared with later callers: not tied to this caller's signal (raceAbort below gives up this wait only).
            const p = this.fetch(missing);
            for (const id of missing) this.inFlight.set(id, p);
            waits.push(
                p.finally(() => {
                    for (const id of missing) if (this.inFlight.get(id) === p) this.inFlight.delete(id);
                })
            );
        }
        await raceAbort(Promise.all(waits), signal, abortError);
        const out = new Map<string, DirectoryUser>();
        for (const id of ids) {
            const user = this.cache.get(id)?.user;
            if (user) out.set(id, user);
        }
        return out;
    }

    /** The Genesys user with this email (case-insensitive), from the cache or `POST /api/v2/users/search`. */
    async findByEmail(email: string, signal?: AbortSignal): Promise<DirectoryUser | undefined> {
        const key = email.trim().toLowerCase();
        const cachedId = this.byEmail.get(key);
        if (cachedId) {
            const e = this.cache.get(cachedId);
            if (e?.user && this.options.clock.now() - e.fetchedAt < this.ttlMs) return e.user;
        }
        const found = await this.options.client.findUserByEmail(key, signal);
        const user = found ? toDirectoryUser(found) : undefined;
        if (user) this.store(user.id, user);
        return user;
    }

    /** Cached users (for tests and diagnostics). */
    get size(): number {
        return this.cache.size;
    }

    private async fetch(ids: string[]): Promise<void> {
        const users = await this.options.client.getUsers(ids);
        const seen = new Set<string>();
        for (const u of users) {
            const user = toDirectoryUser(u);
            if (!user) continue;
            seen.add(user.id);
            this.store(user.id, user);
        }
        for (const id of ids) if (!seen.has(id)) this.store(id, undefined);
        this.logger.debug({ requested: ids.length, found: seen.size }, 'user directory fetched');
    }

    private store(id: string, user: DirectoryUser | undefined): void {
        this.cache.delete(id);
        this.cache.set(id, { user, fetchedAt: this.options.clock.now() });
        if (user?.email) this.byEmail.set(user.email.toLowerCase(), id);
        const max = this.options.maxEntries ?? 50_000;
        while (this.cache.size > max) {
            const oldest = this.cache.keys().next().value as string;
            const e = this.cache.get(oldest);
            if (e?.user?.email) this.byEmail.delete(e.user.email.toLowerCase());
            this.cache.delete(oldest);
        }
    }
}

function toDirectoryUser(u: GenesysUser): DirectoryUser | undefined {
    if (typeof u.id !== 'string' || u.id === '') return undefined;
    const user: DirectoryUser = { id: u.id, name: typeof u.name === 'string' && u.name !== '' ? u.name : u.id };
    if (typeof u.email === 'string' && u.email !== '') user.email = u.email;
    return user;
}
