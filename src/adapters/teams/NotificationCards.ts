import type { Episode, Notification } from '../../domain/adherence/types';
import type { Clock } from '../../domain/clock';
import { renderAlertCard, renderNoticeCard, renderNudgeCard, type AdaptiveCardJson } from '../../cards/renderCard';
import type { ActionSigner } from './ActionSigner';
import { alertCardData, nudgeCardData, type AlertFacts, type CardContext, type NudgeState } from './cardData';
import { agentNoteData } from './explanationCardData';
import { TEAMS_DEFAULTS } from './teamsConfig';
import type { DisplayNames } from './DisplayNames';

export interface NotificationCardsOptions {
    names: DisplayNames;
    /** Signs the card buttons. */
    signer: ActionSigner;
    clock: Clock;
    /** IANA zone for the times on cards. */
    timeZone: string;
    /** The reasons the nudge's Explain offers. @default TEAMS_DEFAULTS.explanationReasons */
    explanationReasons?: readonly string[];
}

/**
 * The cards of engine notifications, one builder for both directions: delivery posts and updates them, card actions
 * answer with them. Buttons are signed; names come from {@link DisplayNames}.
 */
export class NotificationCards {
    readonly names: DisplayNames;

    constructor(private readonly o: NotificationCardsOptions) {
        this.names = o.names;
    }

    /** The agent's private nudge; after "I'm on it" or an explanation: thanks, no more buttons but "Show my adherence". */
    nudge(episode: Episode, state: NudgeState = {}): AdaptiveCardJson {
        return renderNudgeCard(nudgeCardData(episode, this.context(), state));
    }

    /** The private note to the agent about their explanation (not recorded, approved, denied), naming the supervisor. */
    async agentNote(n: Extract<Notification, { kind: 'agent-note' }>): Promise<AdaptiveCardJson> {
        const facts: AlertFacts = { explanation: n.explanation };
        const names = await this.o.names.forAlert(n.episode.userId, undefined, facts);
        return renderNoticeCard(agentNoteData(n.note, n.explanation, names.nameOf(n.explanation.decision?.by)));
    }

    /** The supervisor alert of an episode as of `facts`, with agent, team and supervisor names. */
    async alert(episode: Episode, facts: AlertFacts): Promise<AdaptiveCardJson> {
        const names = await this.o.names.forAlert(episode.userId, episode.teamName ?? episode.teamId, facts);
        return renderAlertCard(alertCardData(episode, facts, names, this.context()));
    }

    private context(): CardContext {
        return {
            signer: this.o.signer,
            now: this.o.clock.now(),
            timeZone: this.o.timeZone,
            reasons: this.o.explanationReasons ?? TEAMS_DEFAULTS.explanationReasons
        };
    }
}
