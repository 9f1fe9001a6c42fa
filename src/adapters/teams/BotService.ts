import type { EpisodeLogEntry } from '../../domain/adherence/types';
import type { Clock } from '../../domain/clock';
import type { LogQuery } from '../../engine/ports';
import type { Logger } from '../../kit/Logger';
import type { AdaptiveCardJson } from '../../cards/renderCard';
import type { ActionSigner, SignedActionData } from './ActionSigner';
import { actionFor } from './actions/cardActions';
import { Authorization } from './Authorization';
import type { BotStore } from './BotStore';
import { commandFor, helpCard } from './commands/commands';
import { DisplayNames } from './DisplayNames';
import type { Actor, BotRefusal, CardAction, HandlerContext, Reply } from './HandlerContext';
import { IdentityMapping, type Identification, type MemberInfo } from './IdentityMapping';
import { NotificationCards } from './NotificationCards';
import type { DirectoryPort, EngineActions, SchedulePort } from './ports';
import { refusalReply } from './replies';
import type { ShiftRouting } from './ShiftRouting';
import { StatusCards } from './StatusCards';
import { TEAMS_DEFAULTS } from './teamsConfig';

export interface BotServiceOptions {
    engine: EngineActions;
    store: BotStore;
    signer: ActionSigner;
    clock: Clock;
    directory?: DirectoryPort;
    /** On-shift routing: `subscribe <unit> HH:MM-HH:MM [days]` refreshes it, `status` in a channel shows it. */
    routing?: ShiftRouting;
    /** The agent's schedule (the Genesys schedule cache), for `status`. */
    schedule?: SchedulePort;
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
    /**
     * The card builder delivery uses too (one name cache for both directions). Built from `store`, `directory`,
     * `signer`, `clock` and `timeZone` when absent.
     */
    cards?: NotificationCards;
    /** Longest approved-overtime window accepted, ms. @default 12 h */
    maxOvertimeMs?: number;
    /** The reasons the nudge's Explain offers. @default TEAMS_DEFAULTS.explanationReasons */
    explanationReasons?: readonly string[];
    onRefusal?(reason: BotRefusal): void;
    logger?: Logger;
}

/**
 * The inbound side of the bot, free of any Teams SDK: a chat command goes to its handler (`commands/`), a card
 * action is verified and goes to the handler of its verb (`actions/`); Teams users are mapped to Genesys users.
 * `bot.ts` routes activities here and sends back what it returns.
 */
export class BotService {
    private readonly ctx: HandlerContext;
    private readonly signer: ActionSigner;
    private readonly identity: IdentityMapping;

    constructor(o: BotServiceOptions) {
        const { engine, store, clock, directory, logger } = o;
        const cards =
            o.cards ??
            new NotificationCards({
                names: new DisplayNames({ store, directory, logger }),
                signer: o.signer,
                clock,
                timeZone: o.timeZone,
                explanationReasons: o.explanationReasons
            });
        this.signer = o.signer;
        this.identity = new IdentityMapping({ store, userOverrides: o.userOverrides, directory });
        this.ctx = {
            engine,
            store,
            clock,
            auth: new Authorization({
                store,
                supervisors: o.supervisors,
                channelMembersSupervise: o.channelMembersSupervise
            }),
            cards,
            status: new StatusCards({
                engine,
                clock,
                names: cards.names,
                timeZone: o.timeZone,
                readLog: o.readLog,
                schedule: o.schedule
            }),
            directory,
            routing: o.routing,
            report: o.report,
            maxOvertimeMs: o.maxOvertimeMs ?? 12 * 3_600_000,
            explanationReasons: o.explanationReasons ?? TEAMS_DEFAULTS.explanationReasons,
            refuse: (reason, text) => {
                o.onRefusal?.(reason);
                logger?.warn({ reason }, 'action refused');
                return refusalReply(reason, text);
            },
            logger
        };
    }

    /** Map a Teams member to a Genesys user (see {@link IdentityMapping}). */
    identify(member: MemberInfo): Promise<string | undefined> {
        return this.identity.identify(member);
    }

    /** {@link identify}, saying also whether the Genesys directory could not be asked. Never throws for it. */
    identifyChecked(member: MemberInfo): Promise<Identification> {
        return this.identity.identifyChecked(member);
    }

    /** Record a display name seen on any activity so cards say who acted. Never throws. */
    noteName(id: string, name: string | undefined): void {
        this.ctx.cards.names.note(id, name);
    }

    /** The help card with an introduction. */
    help(intro: string): AdaptiveCardJson {
        return helpCard(intro);
    }

    /** A chat message: its first word names the command (mentions and markup stripped); anything else gets help. */
    async command(actor: Actor, rawText: string): Promise<Reply> {
        const text = rawText.replace(/<[^>]*>/g, ' ').trim();
        const [word = '', ...rest] = text.split(/\s+/);
        const handle = commandFor(word);
        if (handle) return handle(this.ctx, actor, rest.join(' ').trim());
        return { card: helpCard(text ? `I didn't understand "${text.slice(0, 60)}". Here is what I can do:` : '') };
    }

    /** A card action (Action.Execute invoke or Action.Submit message). Returns the card to show the clicking user. */
    async action(actor: Actor, data: Record<string, unknown>): Promise<Reply> {
        if (!this.signer.verify(data as Partial<SignedActionData>)) return this.ctx.refuse('forged');
        const action = data as unknown as CardAction;
        const now = this.ctx.clock.now();
        const me = (await this.ctx.store.userByTeamsId(actor.teamsUserId))?.genesysUserId;
        const handle = actionFor(action.verb);
        if (!handle) return this.ctx.refuse('unknown-verb');
        return handle(this.ctx, { actor, action, me, now });
    }
}
