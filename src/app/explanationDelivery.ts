import type { Notification } from '../domain/adherence/types';
import type { ExplanationWrite, ExplanationWriter } from '../adapters/genesys/ExplanationWriter';
import type { Deliverer } from '../adapters/teams/delivery/ports';

function isWrite(n: Notification): n is ExplanationWrite {
    return n.kind === 'explanation-add' || n.kind === 'explanation-decide';
}

/**
 * The outbox's deliverer: explanation writes go to Genesys through the writer, queued per agent (an explanation's
 * decision after its add, one agent's retries never holding up another's), everything else to Teams. Without Genesys
 * there is nothing to write to: the writes are dropped (counted).
 */
export function withExplanationWrites(teams: Deliverer, writer: ExplanationWriter | undefined): Deliverer {
    return {
        route: async (n) => {
            if (!isWrite(n)) return teams.route(n);
            return writer ? { conversationKey: `genesys:${n.episode.userId}` } : { drop: 'genesys-not-configured' };
        },
        send: async (n, conversationKey) => (isWrite(n) ? writer!.write(n) : teams.send(n, conversationKey)),
        prepare: async (n, conversationKey) => {
            if (isWrite(n)) return { post: () => writer!.write(n) };
            if (teams.prepare) return teams.prepare(n, conversationKey);
            return { post: () => teams.send(n, conversationKey) };
        },
        forbidden: async (n, conversationKey) => {
            if (!isWrite(n)) await teams.forbidden?.(n, conversationKey);
        },
        abandoned: async (n) => {
            if (isWrite(n)) await writer?.abandoned(n);
            else await teams.abandoned?.(n);
        }
    };
}
