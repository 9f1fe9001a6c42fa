import type { Episode } from '../../domain/adherence/types';
import type { Clock } from '../../domain/clock';
import { renderAlertCard, renderNudgeCard, type AdaptiveCardJson } from '../../cards/renderCard';
import type { ActionSigner } from './ActionSigner';
import { alertCardData, nudgeCardData, type AlertFacts, type CardContext } from './cardData';
import type { DisplayNames } from './DisplayNames';

export interface NotificationCardsOptions {
    names: DisplayNames;
    /** Signs the card buttons. */
    signer: ActionSigner;
    clock: Clock;
    /** IANA zone for the times on cards. */
    timeZone: string;
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

    /** The agent's private nudge; `acknowledged` after "I'm on it" (thanks, no more buttons). */
    nudge(episode: Episode, acknowledged = false): AdaptiveCardJson {
        return renderNudgeCard(nudgeCardData(episode, this.context(), acknowledged));
    }

    /** The supervisor alert of an episode as of `facts`, with agent, team and supervisor names. */
    async alert(episode: Episode, facts: AlertFacts): Promise<AdaptiveCardJson> {
        const names = await this.o.names.forAlert(episode.userId, episode.teamName ?? episode.teamId, facts);
        return renderAlertCard(alertCardData(episode, facts, names, this.context()));
    }

    private context(): CardContext {
        return { signer: this.o.signer, now: this.o.clock.now(), timeZone: this.o.timeZone };
    }
}
