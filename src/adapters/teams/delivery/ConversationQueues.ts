import type { OutboxEntry } from '../../../engine/ports';
import { SlidingWindowLimiter } from '../../../kit/SlidingWindowLimiter';
import type { DeliveryLimits } from './ports';

/** An outbox entry routed to its conversation, waiting for its turn. */
export interface Queued {
    entry: OutboxEntry;
    conversationKey: string;
    /** When this instance's claim on the entry expires at the latest (with claims). */
    leaseUntil: number;
}

interface Conversation {
    queue: Queued[];
    /** A send of this conversation is in flight. */
    busy: boolean;
    /** Throttled by Teams (429/5xx) or backing off until then, epoch ms. */
    blockedUntil: number;
}

/**
 * Routed entries in order per conversation, released within Teams' limits: one send in flight per conversation,
 * sliding windows per conversation and per app. A conversation that Teams throttled waits while the others flow.
 */
export class ConversationQueues {
    private readonly conversations = new Map<string, Conversation>();
    private readonly perConversation: SlidingWindowLimiter;
    private readonly perApp: SlidingWindowLimiter;

    constructor(limits: DeliveryLimits) {
        this.perConversation = new SlidingWindowLimiter(limits.perConversation);
        this.perApp = new SlidingWindowLimiter(limits.perApp);
    }

    /** Entries waiting (not in flight). */
    get size(): number {
        let n = 0;
        for (const c of this.conversations.values()) n += c.queue.length;
        return n;
    }

    push(item: Queued): void {
        this.conversation(item.conversationKey).queue.push(item);
    }

    /**
     * The entries that may be sent at `now`, at most `slots`, each the head of an idle conversation: they count
     * against the limits and their conversations are busy until {@link release}. `nextAt` is when the earliest entry
     * held back by a limit or a block may go (infinite when none is).
     */
    take(now: number, slots: number): { ready: Queued[]; nextAt: number } {
        const ready: Queued[] = [];
        let nextAt = Number.POSITIVE_INFINITY;
        for (const [key, conv] of this.conversations) {
            if (conv.busy) continue;
            if (conv.queue.length === 0) {
                this.conversations.delete(key);
                continue;
            }
            if (ready.length >= slots) break;
            if (conv.blockedUntil > now) {
                nextAt = Math.min(nextAt, conv.blockedUntil);
                continue;
            }
            const convWait = this.perConversation.delayFor(key, now);
            if (convWait > 0) {
                nextAt = Math.min(nextAt, now + convWait);
                continue;
            }
            const appWait = this.perApp.delayFor('app', now);
            if (appWait > 0) {
                nextAt = Math.min(nextAt, now + appWait);
                break;
            }
            this.perConversation.record(key, now);
            this.perApp.record('app', now);
            conv.busy = true;
            ready.push(conv.queue.shift()!);
        }
        return { ready, nextAt };
    }

    /** The send taken from this conversation has settled: its next entry may go. */
    release(conversationKey: string): void {
        const conv = this.conversations.get(conversationKey);
        if (conv) conv.busy = false;
    }

    /** Put a failed entry back at the head of its conversation (order kept), which waits until `until`. */
    retryAt(item: Queued, until: number): void {
        const conv = this.conversation(item.conversationKey);
        conv.blockedUntil = Math.max(conv.blockedUntil, until);
        conv.queue.unshift(item);
    }

    clear(): void {
        this.conversations.clear();
    }

    private conversation(key: string): Conversation {
        let conv = this.conversations.get(key);
        if (!conv) {
            conv = { queue: [], busy: false, blockedUntil: 0 };
            this.conversations.set(key, conv);
        }
        return conv;
    }
}
