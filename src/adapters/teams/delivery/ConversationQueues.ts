import type { OutboxEntry } from '../../../engine/ports';

/** An outbox entry routed to its conversation, waiting for its turn. */
export interface Queued {
    entry: OutboxEntry;
    conversationKey: string;
}

interface Conversation {
    queue: Queued[];
    /** An attempt on this conversation's head is in flight (claim, rate slot, send). */
    busy: boolean;
    /** Held until then, epoch ms: waiting for a rate slot, a pause (429), a backoff or another instance's claim. */
    blockedUntil: number;
}

/**
 * Routed entries in order per conversation: one attempt in flight per conversation, its head first. A held
 * conversation (rate slot, 429, backoff, another instance's claim) waits while the others flow. Conversations are
 * offered in the order they appeared, so the entries due first go first. Teams' limits are the rate gate's business.
 */
export class ConversationQueues {
    private readonly conversations = new Map<string, Conversation>();

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
     * The entries that may be tried at `now`, at most `slots`, each the head of an idle conversation that is not held:
     * their conversations are busy until {@link release}. `nextAt` is when the earliest held conversation may go
     * (infinite when none is).
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

    /** Put an entry back at the head of its conversation (order kept), which waits until `until`. */
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
