import {
    ACTIVITY_CATEGORIES,
    type AgentRecord,
    type EpisodeLogEntry,
    type OpenEpisodeState,
    type Policy,
    type RefusalReason
} from '../../domain/adherence/types';
import { LocalCalendar } from '../../domain/LocalCalendar';
import type { Clock } from '../../domain/clock';
import type { LogQuery } from '../../engine/ports';
import type { Logger } from '../../kit/Logger';
import {
    renderAlertCard,
    renderHelpCard,
    renderNoticeCard,
    renderNudgeCard,
    renderStatusCard,
    type AdaptiveCardJson
} from '../../cards/renderCard';
import type { ActionSigner, SignedActionData } from './ActionSigner';
import type { BotStore, ConversationKind } from './BotStore';
import {
    activityLabel,
    alertCardData,
    type AlertFacts,
    factsFromRecord,
    formatTime,
    minutesBetween,
    nudgeCardData,
    SNOOZE_MINUTES
} from './cardData';

type ActionResult = { ok: true; record: AgentRecord } | { ok: false; reason: RefusalReason };

/** The engine as the bot uses it (a subset of `AdherenceEngine`). */
export interface EngineActions {
    acknowledge(userId: string, episodeId: string, by: string): Promise<ActionResult>;
    snooze(userId: string, episodeId: string, until: number, by: string): Promise<ActionResult>;
    approveOvertime(userId: string, until: number, by: string, episodeId?: string): Promise<ActionResult>;
    acknowledgeNudge(userId: string, episodeId: string): Promise<ActionResult>;
    setExcluded(category: string, excluded: boolean): Promise<void>;
    getPolicy(): Policy;
    agent(userId: string): AgentRecord | undefined;
    openEpisodes(filter?: { managementUnitIds?: string[] }): Array<{ record: AgentRecord; state: OpenEpisodeState }>;
}

/** Names and e-mail look-ups (the Genesys user directory). All optional. */
export interface DirectoryPort {
    displayName?(genesysUserId: string): Promise<string | undefined>;
    findByEmail?(email: string): Promise<{ id: string; name?: string } | undefined>;
    /** Resolve a management unit by id or name (the `subscribe` command). */
    findUnit?(nameOrId: string): Promise<{ id: string; name: string } | undefined>;
}

/** Who is acting, and where. */
export interface Actor {
    teamsUserId: string;
    aadObjectId?: string;
    name?: string;
    conversationId: string;
    kind: ConversationKind;
}

/** The member facts the roster gives for mapping a Teams user to a Genesys user. */
export interface MemberInfo {
    teamsUserId: string;
    aadObjectId?: string;
    name?: string;
    email?: string;
    userPrincipalName?: string;
}

/** What to show: a card; for refusals also the plain message (an invoke answers with it, keeping the card). */
export interface Reply {
    card: AdaptiveCardJson;
    refused?: BotRefusal;
    message?: string;
    /**
     * Post `card` as a new message and leave the clicked card as it is (a card action answers with `message`).
     * Otherwise a card action's answer replaces the clicked card.
     */
    asNewMessage?: boolean;
}

/** Why the bot refused an action or command: every refusal is visible to the user and counted. */
export type BotRefusal =
    | 'forged'
    | 'not-supervisor'
    | 'self-action'
    | 'not-own'
    | 'unknown-user'
    | 'unknown-verb'
    | 'invalid-input'
    | 'not-subscribed'
    | RefusalReason;

export interface BotServiceOptions {
    engine: EngineActions;
    store: BotStore;
    signer: ActionSigner;
    clock: Clock;
    directory?: DirectoryPort;
    /** Reads the episode log (today's episodes on `status`). */
    readLog?(query: LogQuery): Promise<EpisodeLogEntry[]>;
    /** Renders the drift report card (`report [days]`), for the given units (all when empty). */
    report?(days: number, managementUnitIds: string[]): Promise<AdaptiveCardJson>;
    /** Configured supervisors: Teams user id or AAD object id → unit ids (`*` = all). */
    supervisors: ReadonlyMap<string, readonly string[]>;
    /** Members of the channel subscribed to a unit supervise that unit. @default true */
    channelMembersSupervise: boolean;
    /** E-mail/UPN/AAD id (lower-cased) → Genesys user id; wins over the directory. */
    userOverrides: ReadonlyMap<string, string>;
    timeZone: string;
    /** Longest approved-overtime window accepted, ms. @default 12 h */
    maxOvertimeMs?: number;
    onRefusal?(reason: BotRefusal): void;
    logger?: Logger;
}

export const COMMANDS: ReadonlyArray<{ name: string; description: string }> = [
    { name: 'status', description: 'Your own adherence now and today (in a supervisor channel: who is drifting now)' },
    { name: 'report [days]', description: 'Drift report for the last days (default 7)' },
    { name: 'subscribe <unit>', description: "Send this unit's alerts to this channel" },
    { name: 'unsubscribe', description: 'Stop alerts in this channel' },
    { name: 'exclude <category>', description: 'Never alert for a scheduled activity category (e.g. Meeting)' },
    { name: 'include <category>', description: 'Alert again for a category' },
    { name: 'help', description: 'This list' }
];

const IMPACT_WEIGHT: Record<string, number> = { Negative: 2, Neutral: 1, Unknown: 1, Positive: 0.5 };

const REFUSAL_TEXT: Record<BotRefusal, string> = {
    forged: 'This card action could not be verified, so nothing was changed. Please use the buttons on the latest card.',
    'not-supervisor': "Only a supervisor of this agent's unit can do that. Nothing was changed.",
    'self-action': "You can't act on your own alert or approve your own overtime. Nothing was changed.",
    'not-own': 'This card belongs to someone else, so nothing was changed.',
    'unknown-user': "I don't know your Genesys user yet. Ask an administrator to map your account.",
    'unknown-verb': "I don't know that action. Type help to see what I can do.",
    'invalid-input': 'That choice is not valid. Nothing was changed.',
    'not-subscribed': 'This conversation is not subscribed to a management unit.',
    'unknown-agent': 'I have no adherence data for that agent.',
    stopping: 'The bot is restarting, so nothing was changed. Please try again in a moment.',
    'no-open-episode': 'That agent is not out of adherence any more.',
    'episode-closed': 'That episode has already ended; this card is out of date.',
    'already-acknowledged': 'This alert was already acknowledged.',
    'invalid-until': 'That time is not valid (it must be in the future).'
};

/**
 * The bot's behaviour, free of any Teams SDK: commands, card actions with server-side authorization, and the
 * Teams ↔ Genesys user mapping. `bot.ts` routes activities here and sends back what it returns.
 */
export class BotService {
    private readonly o: BotServiceOptions;
    private readonly maxOvertimeMs: number;

    /** "Today" on the status card is the local day of `timeZone` (TEAMS_TIME_ZONE). */
    private readonly calendar: LocalCalendar;

    constructor(options: BotServiceOptions) {
        this.o = options;
        this.calendar = new LocalCalendar(options.timeZone);
        this.maxOvertimeMs = options.maxOvertimeMs ?? 12 * 3_600_000;
    }

    /** Map a Teams member to a Genesys user (override table first, then the directory by e-mail/UPN). */
    async identify(member: MemberInfo): Promise<string | undefined> {
        const known = await this.o.store.userByTeamsId(member.teamsUserId);
        const candidates = [member.email, member.userPrincipalName, member.aadObjectId, member.teamsUserId]
            .filter((c): c is string => !!c)
            .map((c) => c.toLowerCase());
        let genesysUserId: string | undefined;
        for (const c of candidates) {
            genesysUserId = this.o.userOverrides.get(c);
            if (genesysUserId) break;
        }
        if (!genesysUserId && this.o.directory?.findByEmail) {
            for (const email of [member.email, member.userPrincipalName]) {
                if (!email) continue;
                genesysUserId = (await this.o.directory.findByEmail(email))?.id;
                if (genesysUserId) break;
            }
        }
        genesysUserId ??= known?.genesysUserId;
        if (!genesysUserId) return undefined;
        if (!known || known.genesysUserId !== genesysUserId || known.name !== member.name) {
            const user = { teamsUserId: member.teamsUserId, genesysUserId } as Parameters<BotStore['saveUser']>[0];
            if (member.aadObjectId) user.aadObjectId = member.aadObjectId;
            if (member.email ?? member.userPrincipalName) user.email = member.email ?? member.userPrincipalName;
            if (member.name) user.name = member.name;
            await this.o.store.saveUser(user);
        }
        return genesysUserId;
    }

    // --- Commands ---------------------------------------------------------------------------------------------

    async command(actor: Actor, rawText: string): Promise<Reply> {
        const text = rawText.replace(/<[^>]*>/g, ' ').trim();
        const [word = '', ...rest] = text.split(/\s+/);
        const arg = rest.join(' ').trim();
        switch (word.toLowerCase()) {
            case 'status':
                return this.status(actor);
            case 'report':
                return this.report(actor, arg);
            case 'subscribe':
                return this.subscribe(actor, arg);
            case 'unsubscribe':
                return this.unsubscribe(actor);
            case 'exclude':
                return this.exclusion(actor, arg, true);
            case 'include':
                return this.exclusion(actor, arg, false);
            case 'help':
                return { card: this.help('') };
            default:
                return {
                    card: this.help(text ? `I didn't understand "${text.slice(0, 60)}". Here is what I can do:` : '')
                };
        }
    }

    help(intro: string): AdaptiveCardJson {
        return renderHelpCard({ intro, commands: [...COMMANDS] });
    }

    private async status(actor: Actor): Promise<Reply> {
        if (actor.kind !== 'personal') {
            // Who is drifting is for supervisors of the channel's units; anyone else gets their own status.
            const units: string[] = [];
            for (const u of await this.o.store.unitsOf(actor.conversationId))
                if (await this.supervises(actor, u)) units.push(u);
            if (units.length > 0) return { card: await this.driftingNow(units) };
        }
        const genesysUserId = (await this.o.store.userByTeamsId(actor.teamsUserId))?.genesysUserId;
        if (!genesysUserId) return this.refuse('unknown-user');
        return { card: await this.ownStatus(genesysUserId) };
    }

    /** Who is drifting now in these units, ranked by minutes × impact. */
    async driftingNow(units: string[]): Promise<AdaptiveCardJson> {
        const now = this.o.clock.now();
        const ranked = this.o.engine
            .openEpisodes({ managementUnitIds: units })
            .map(({ state }) => {
                const minutes = minutesBetween(state.episode.startedAt, now);
                return { state, minutes, score: minutes * (IMPACT_WEIGHT[state.episode.impact] ?? 1) };
            })
            .sort((a, b) => b.score - a.score)
            .slice(0, 25);
        const rows: Array<{ label: string; value: string }> = [];
        for (const { state, minutes } of ranked) {
            const e = state.episode;
            const { agentName } = await this.names(e.userId, e.teamName ?? e.teamId);
            rows.push({
                label: agentName,
                value: `${minutes} min · scheduled ${activityLabel(e.scheduledCategory)}, actual ${activityLabel(e.actualCategory, e.systemPresence)} · impact ${e.impact}${state.ack ? ' · acknowledged' : ''}`
            });
        }
        return renderStatusCard({
            title: 'Drifting now',
            summary:
                rows.length === 0
                    ? 'Nobody in your units is out of adherence right now.'
                    : `${rows.length} agent(s) out of adherence, most urgent first.`,
            rows
        });
    }

    /** An agent's own state and today's figures; `adherentSummary` replaces the in-adherence wording. */
    async ownStatus(genesysUserId: string, adherentSummary?: string): Promise<AdaptiveCardJson> {
        const now = this.o.clock.now();
        const record = this.o.engine.agent(genesysUserId);
        const rows: Array<{ label: string; value: string }> = [];
        let summary = adherentSummary ?? "You're in adherence right now. Nice work!";
        if (record && record.state.status !== 'adherent') {
            const e = record.state.episode;
            summary = `Your schedule shows ${activityLabel(e.scheduledCategory)}; you have been on ${activityLabel(e.actualCategory, e.systemPresence)} for ${minutesBetween(e.startedAt, now)} min.`;
        } else if (!record) summary = 'I have no adherence data for you yet today.';
        if (this.o.readLog && record) {
            const dayStart = this.calendar.startOfDay(now);
            const log = await this.o.readLog({
                fromAt: dayStart,
                toAt: now + 1,
                managementUnitId: record.managementUnitId
            });
            const mine = log.filter((l) => l.userId === genesysUserId);
            const resolved = mine.filter((l) => l.type === 'resolve');
            const minutes = resolved.reduce((s, l) => s + (l.durationMs ?? 0), 0) / 60_000;
            rows.push({ label: 'Episodes today', value: String(mine.filter((l) => l.type === 'start').length) });
            rows.push({ label: 'Minutes out today', value: String(Math.round(minutes)) });
        }
        return renderStatusCard({ title: 'Your adherence', summary, rows });
    }

    private async report(actor: Actor, arg: string): Promise<Reply> {
        const days = arg === '' ? 7 : Number(arg);
        if (!Number.isInteger(days) || days < 1 || days > 90) {
            return {
                card: this.notice('Report', 'Usage: report [days], with days between 1 and 90.', 'Warning'),
                refused: 'invalid-input'
            };
        }
        if (!this.o.report)
            return {
                card: this.notice('Report', 'The drift report is not available in this deployment yet.', 'Default')
            };
        const scope = await this.reportScope(actor);
        if ('refused' in scope) return scope.refused;
        // The report provider reads an empty unit list as "every unit": only a `*` supervisor gets that.
        return { card: await this.o.report(days, scope.all ? [] : scope.units) };
    }

    /**
     * The units whose report `actor` may see here. In a channel or group chat: the units subscribed to it that the
     * actor supervises (nothing when the conversation is not subscribed). In a personal chat: the units the actor is a
     * configured supervisor of (`all` for a `*` supervisor); an agent who supervises nothing gets no report.
     */
    private async reportScope(actor: Actor): Promise<{ all: boolean; units: string[] } | { refused: Reply }> {
        if (actor.kind !== 'personal') {
            const subscribed = await this.o.store.unitsOf(actor.conversationId);
            if (subscribed.length === 0) {
                return {
                    refused: this.refuse(
                        'not-subscribed',
                        'This conversation is not subscribed to a management unit, so there is no report to show here. ' +
                            'A supervisor can subscribe it first with "@adherence subscribe <unit name or id>".'
                    )
                };
            }
            const units: string[] = [];
            for (const u of subscribed) if (await this.supervises(actor, u)) units.push(u);
            if (units.length === 0)
                return {
                    refused: this.refuse(
                        'not-supervisor',
                        "Only a supervisor of this channel's units can see their drift report."
                    )
                };
            return { all: false, units };
        }
        const units = this.configuredUnits(actor);
        if (units.length === 0)
            return {
                refused: this.refuse(
                    'not-supervisor',
                    'The drift report is for supervisors. Type status to see your own adherence.'
                )
            };
        return units.includes('*') ? { all: true, units: [] } : { all: false, units };
    }

    private async subscribe(actor: Actor, arg: string): Promise<Reply> {
        if (actor.kind === 'personal') {
            return {
                card: this.notice(
                    'Subscribe',
                    'Use subscribe in the team channel that should receive the alerts (e.g. @adherence subscribe Sales).',
                    'Warning'
                ),
                refused: 'invalid-input'
            };
        }
        if (arg === '')
            return {
                card: this.notice('Subscribe', 'Usage: subscribe <management unit name or id>', 'Warning'),
                refused: 'invalid-input'
            };
        const unit = this.o.directory?.findUnit ? await this.o.directory.findUnit(arg) : { id: arg, name: arg };
        if (!unit)
            return {
                card: this.notice(
                    'Subscribe',
                    `I can't find a management unit called "${arg.slice(0, 60)}".`,
                    'Warning'
                ),
                refused: 'invalid-input'
            };
        if (!(await this.isConfiguredSupervisor(actor, unit.id))) return this.refuse('not-supervisor');
        await this.o.store.subscribe(unit.id, actor.conversationId);
        // A missing channel for this unit is reported again if it ever goes missing again.
        await this.o.store.clearReported(`no-channel:${unit.id}`);
        this.o.logger?.info({ managementUnitId: unit.id, conversationId: actor.conversationId }, 'unit subscribed');
        return { card: this.notice('Subscribed', `Alerts for ${unit.name} will be posted here.`, 'Good') };
    }

    private async unsubscribe(actor: Actor): Promise<Reply> {
        const units = await this.o.store.unitsOf(actor.conversationId);
        for (const u of units) if (!(await this.isConfiguredSupervisor(actor, u))) return this.refuse('not-supervisor');
        await this.o.store.unsubscribe(actor.conversationId);
        return {
            card: this.notice(
                'Unsubscribed',
                units.length === 0
                    ? 'This conversation had no subscriptions.'
                    : `No more alerts here for ${units.join(', ')}.`,
                'Default'
            )
        };
    }

    private async exclusion(actor: Actor, arg: string, excluded: boolean): Promise<Reply> {
        const category = ACTIVITY_CATEGORIES.find((c) => c.toLowerCase() === arg.toLowerCase());
        if (!category) {
            return {
                card: this.notice(
                    excluded ? 'Exclude' : 'Include',
                    `Usage: ${excluded ? 'exclude' : 'include'} <category>, one of ${ACTIVITY_CATEGORIES.join(', ')}.`,
                    'Warning'
                ),
                refused: 'invalid-input'
            };
        }
        if (!(await this.isConfiguredSupervisor(actor, undefined))) return this.refuse('not-supervisor');
        await this.o.engine.setExcluded(category, excluded);
        const now = [...this.o.engine.getPolicy().excludedCategories].sort().join(', ') || 'none';
        return {
            card: this.notice(
                'Policy updated',
                `${category} ${excluded ? 'will no longer' : 'will again'} trigger alerts. Excluded now: ${now}.`,
                'Good'
            )
        };
    }

    // --- Card actions -----------------------------------------------------------------------------------------

    /** A card action (Action.Execute invoke or Action.Submit message). Returns the card to show the clicking user. */
    async action(actor: Actor, data: Record<string, unknown>): Promise<Reply> {
        if (!this.o.signer.verify(data as Partial<SignedActionData>)) return this.refuse('forged');
        const a = data as unknown as SignedActionData & { until?: unknown };
        const now = this.o.clock.now();
        const me = (await this.o.store.userByTeamsId(actor.teamsUserId))?.genesysUserId;
        switch (a.verb) {
            case 'myStatus':
            case 'ackNudge': {
                if (!me) return this.refuse('unknown-user');
                if (me !== a.userId) return this.refuse('not-own');
                // The status goes out as a new message: the nudge (and its "I'm on it") stays.
                if (a.verb === 'myStatus')
                    return { card: await this.ownStatus(me), asNewMessage: true, message: 'Your adherence is below.' };
                const result = await this.o.engine.acknowledgeNudge(a.userId, a.episodeId);
                // "I'm on it" after the agent is already back: no refusal, just their own (good) news.
                if (!result.ok && result.reason === 'no-open-episode')
                    return { card: await this.ownStatus(me, "You're back in adherence. Thanks for sorting it out!") };
                if (!result.ok) return this.refuse(result.reason);
                const state = result.record.state;
                if (state.status === 'adherent') return { card: await this.ownStatus(me) };
                return { card: renderNudgeCard(nudgeCardData(state.episode, this.cardContext(), true)) };
            }
            case 'acknowledge':
            case 'snooze':
            case 'approveOvertime': {
                const record = this.o.engine.agent(a.userId);
                if (!record) return this.refuse('unknown-agent');
                if (await this.isSelf(actor, me, a.userId)) return this.refuse('self-action');
                // Without the actor's Genesys id the self check above proves nothing (directory down, no e-mail
                // match): only a configured supervisor of the unit may act then, never a mere channel member.
                if (!me && !(await this.isConfiguredSupervisor(actor, record.managementUnitId)))
                    return this.refuse(
                        'unknown-user',
                        "I can't match your Teams account to a Genesys user yet, so I can't act on alerts for you. " +
                            'Ask an administrator to map your account. Nothing was changed.'
                    );
                if (!(await this.supervises(actor, record.managementUnitId))) return this.refuse('not-supervisor');
                const by = actor.aadObjectId ?? actor.teamsUserId;
                // Stored before the engine commits the card update, which any instance may render at once.
                if (actor.name)
                    await this.rememberName(by, actor.name).catch((error: unknown) =>
                        this.o.logger?.warn({ err: String(error) }, 'could not store a display name')
                    );
                let result: ActionResult;
                if (a.verb === 'acknowledge') result = await this.o.engine.acknowledge(a.userId, a.episodeId, by);
                else if (a.verb === 'snooze') {
                    const minutes = Number(a.minutes);
                    if (!(SNOOZE_MINUTES as readonly number[]).includes(minutes)) return this.refuse('invalid-input');
                    result = await this.o.engine.snooze(a.userId, a.episodeId, now + minutes * 60_000, by);
                } else {
                    const until = Number(a.until);
                    if (!Number.isFinite(until) || until <= now || until > now + this.maxOvertimeMs)
                        return this.refuse('invalid-until');
                    result = await this.o.engine.approveOvertime(a.userId, until, by, a.episodeId);
                }
                if (!result.ok) return this.refuse(result.reason);
                return { card: await this.alertCard(result.record, a.episodeId) };
            }
            default:
                return this.refuse('unknown-verb');
        }
    }

    /** The alert card for an agent's current episode (used in invoke answers). */
    async alertCard(record: AgentRecord, episodeId: string): Promise<AdaptiveCardJson> {
        const state = record.state;
        if (state.status === 'adherent' || state.episode.id !== episodeId) {
            const stored = await this.o.store.getAlert(episodeId);
            if (stored) {
                const names = await this.names(
                    stored.episode.userId,
                    stored.episode.teamName ?? stored.episode.teamId,
                    stored.facts
                );
                return renderAlertCard(alertCardData(stored.episode, stored.facts, names, this.cardContext()));
            }
            return this.notice('Alert', 'This episode has ended.', 'Good');
        }
        const facts = factsFromRecord(record, episodeId);
        const names = await this.names(state.episode.userId, state.episode.teamName ?? state.episode.teamId, facts);
        return renderAlertCard(alertCardData(state.episode, facts, names, this.cardContext()));
    }

    /**
     * Agent and team names for cards, and the display names of the people named in `facts` (who acknowledged,
     * snoozed, approved), read from the bot store so a card rendered by any instance, or after a restart, says who.
     */
    async names(
        genesysUserId: string,
        team: string | undefined,
        facts?: AlertFacts
    ): Promise<{ agentName: string; teamName: string; nameOf(by: string | undefined): string }> {
        const agentName =
            (await this.displayName(genesysUserId)) ??
            (await this.o.store.userByGenesysId(genesysUserId))?.name ??
            genesysUserId;
        const known = new Map<string, string>();
        const ids = [facts?.acknowledgedBy, facts?.snoozedBy, facts?.approvedBy].filter(
            (id): id is string => id !== undefined
        );
        const missing = [...new Set(ids)].filter((id) => {
            const cached = this.nameCache.get(id);
            if (cached !== undefined) known.set(id, cached);
            return cached === undefined;
        });
        if (missing.length > 0) {
            try {
                for (const [id, name] of await this.o.store.namesOf(missing)) {
                    known.set(id, name);
                    this.cache(id, name);
                }
            } catch (error) {
                this.o.logger?.warn({ err: String(error) }, 'supervisor names unavailable; cards say "a supervisor"');
            }
        }
        return {
            agentName,
            teamName: team ?? '—',
            nameOf: (by) => (by ? (known.get(by) ?? 'a supervisor') : 'a supervisor')
        };
    }

    /** The directory's name for a Genesys user; undefined (the caller falls back) when the directory fails. */
    private async displayName(genesysUserId: string): Promise<string | undefined> {
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

    cardContext(): { signer: ActionSigner; now: number; timeZone: string } {
        return { signer: this.o.signer, now: this.o.clock.now(), timeZone: this.o.timeZone };
    }

    /** Display names by card id (AAD object id or Teams id): a bounded cache of the bot store's names. */
    private readonly nameCache = new Map<string, string>();

    private cache(id: string, name: string): void {
        this.nameCache.delete(id);
        this.nameCache.set(id, name);
        if (this.nameCache.size > 10_000) this.nameCache.delete(this.nameCache.keys().next().value as string);
    }

    /** Store a display name for every instance (written only when it changed since this process last saw it). */
    private async rememberName(id: string, name: string): Promise<void> {
        if (this.nameCache.get(id) === name) return;
        await this.o.store.saveName(id, name);
        this.cache(id, name);
    }

    /** Record a display name (from any activity) so cards say who acted. Never throws. */
    noteName(id: string, name: string | undefined): void {
        if (!name) return;
        this.rememberName(id, name).catch((error: unknown) =>
            this.o.logger?.warn({ err: String(error) }, 'could not store a display name')
        );
    }

    /** The actor is the agent: by Genesys id, or by the Teams id / AAD object id the agent is mapped to. */
    private async isSelf(actor: Actor, me: string | undefined, agentId: string): Promise<boolean> {
        if (me !== undefined && me === agentId) return true;
        const agent = await this.o.store.userByGenesysId(agentId);
        if (!agent) return false;
        return (
            agent.teamsUserId === actor.teamsUserId ||
            (actor.aadObjectId !== undefined && agent.aadObjectId === actor.aadObjectId)
        );
    }

    private async supervises(actor: Actor, unitId: string): Promise<boolean> {
        if (await this.isConfiguredSupervisor(actor, unitId)) return true;
        if (!this.o.channelMembersSupervise || actor.kind === 'personal') return false;
        return (await this.o.store.subscriptionOf(unitId)) === actor.conversationId;
    }

    /** The units the actor is a configured supervisor of (`*` among them = every unit). */
    private configuredUnits(actor: Actor): string[] {
        const units = new Set<string>();
        for (const id of [actor.teamsUserId, actor.aadObjectId, '*']) {
            if (!id) continue;
            for (const u of this.o.supervisors.get(id) ?? []) units.add(u);
        }
        return [...units].sort();
    }

    /** A configured supervisor of `unitId` (or of any unit when undefined). */
    private async isConfiguredSupervisor(actor: Actor, unitId: string | undefined): Promise<boolean> {
        for (const id of [actor.teamsUserId, actor.aadObjectId, '*']) {
            if (!id) continue;
            const units = this.o.supervisors.get(id);
            if (!units) continue;
            if (unitId === undefined || units.includes('*') || units.includes(unitId)) return true;
        }
        return false;
    }

    /** A visible, counted refusal; `text` replaces the reason's default wording. */
    private refuse(reason: BotRefusal, text: string = REFUSAL_TEXT[reason]): Reply {
        this.o.onRefusal?.(reason);
        this.o.logger?.warn({ reason }, 'action refused');
        return {
            card: this.notice('Not done', text, 'Attention'),
            refused: reason,
            message: text
        };
    }

    notice(title: string, message: string, color: 'Default' | 'Attention' | 'Warning' | 'Good'): AdaptiveCardJson {
        return renderNoticeCard({ title, message, color });
    }

    /** Exposed for the delivery side. */
    formatTime(at: number): string {
        return formatTime(at, this.o.timeZone);
    }
}
