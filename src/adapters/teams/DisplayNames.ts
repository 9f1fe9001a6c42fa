import type { Logger } from '../../kit/Logger';
import type { BotStore } from './BotStore';
import type { AlertFacts, AlertNames } from './cardData';
import type { DirectoryPort } from './ports';

export interface DisplayNamesOptions {
    store: Pick<BotStore, 'userByGenesysId' | 'saveName' | 'namesOf'>;
    directory?: DirectoryPort;
    logger?: Logger;
    /** Names kept in memory, least recently stored dropped first. @default 10000 */
    maxCached?: number;
}

/**
 * The names cards show: agents by the Genesys directory (else the name stored at mapping, else the user id), and
 * the people who act on cards by the id the engine records for them (AAD object id or Teams id). Those are stored
 * in the bot store so a card rendered by any instance, or after a restart, says who; a bounded cache spares reads.
 */
export class DisplayNames {
    private readonly cache = new Map<string, string>();
    private readonly maxCached: number;

    constructor(private readonly o: DisplayNamesOptions) {
        this.maxCached = o.maxCached ?? 10_000;
    }

    /** The agent's name for cards; never fails (falls back to the stored name, then the id). */
    async agentName(genesysUserId: string): Promise<string> {
        return (
            (await this.directoryName(genesysUserId)) ??
            (await this.o.store.userByGenesysId(genesysUserId))?.name ??
            genesysUserId
        );
    }

    /** Agent and team names for an alert card, and the names of the people named in `facts` ("a supervisor" when unknown). */
    async forAlert(genesysUserId: string, team: string | undefined, facts?: AlertFacts): Promise<AlertNames> {
        const agentName = await this.agentName(genesysUserId);
        const known = await this.actorNames([
            facts?.acknowledgedBy,
            facts?.snoozedBy,
            facts?.approvedBy,
            facts?.explanation?.decision?.by
        ]);
        return {
            agentName,
            teamName: team ?? '—',
            nameOf: (by) => (by ? (known.get(by) ?? 'a supervisor') : 'a supervisor')
        };
    }

    /** Store a display name for every instance (written only when it changed since this process last saw it). */
    async remember(id: string, name: string): Promise<void> {
        if (this.cache.get(id) === name) return;
        await this.o.store.saveName(id, name);
        this.keep(id, name);
    }

    /** Record a display name seen on any activity, in the background. Never throws. */
    note(id: string, name: string | undefined): void {
        if (!name) return;
        this.remember(id, name).catch((error: unknown) =>
            this.o.logger?.warn({ err: String(error) }, 'could not store a display name')
        );
    }

    /** The known names of these ids (cache first, then one store read); none when the store fails. */
    private async actorNames(ids: Array<string | undefined>): Promise<Map<string, string>> {
        const known = new Map<string, string>();
        const missing = [...new Set(ids.filter((id): id is string => id !== undefined))].filter((id) => {
            const cached = this.cache.get(id);
            if (cached !== undefined) known.set(id, cached);
            return cached === undefined;
        });
        if (missing.length === 0) return known;
        try {
            for (const [id, name] of await this.o.store.namesOf(missing)) {
                known.set(id, name);
                this.keep(id, name);
            }
        } catch (error) {
            this.o.logger?.warn({ err: String(error) }, 'supervisor names unavailable; cards say "a supervisor"');
        }
        return known;
    }

    /** The directory's name for a Genesys user; undefined (the caller falls back) when the directory fails. */
    private async directoryName(genesysUserId: string): Promise<string | undefined> {
        if (!this.o.directory?.displayName) return undefined;
        try {
            return await this.o.directory.displayName(genesysUserId);
        } catch (error) {
            this.o.logger?.warn(
                { err: String(error), userId: genesysUserId },
                'user directory unavailable; showing the stored name or the user id'
            );
            return undefined;
        }
    }

    private keep(id: string, name: string): void {
        this.cache.delete(id);
        this.cache.set(id, name);
        if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    }
}
