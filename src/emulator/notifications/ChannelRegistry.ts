import type * as Genesys from 'purecloud-platform-client-v2';
import type { WebSocket } from 'ws';
import type { Clock } from '../../domain/clock';
import type { Role } from '../oauth/Role';
import { HttpError, notFound } from '../rest/HttpError';
import type { TopicGate } from './topics';

/** A notification channel as the emulator keeps it. */
export interface NotificationChannel {
    readonly id: string;
    readonly clientId: string;
    readonly topics: Set<string>;
    /** Epoch ms: 24 h after creation or the last subscription change. */
    expiresAt: number;
    readonly createdAt: number;
    /** The channel's WebSocket while one is connected. */
    socket?: WebSocket;
}

/** Lifetime of a channel without a subscription change, ms. */
export const CHANNEL_LIFETIME_MS = 86_400_000;
/** Topics per channel. */
export const TOPIC_LIMIT = 1000;
/** Channels per OAuth client; creating one more replaces the oldest (preferring one without a socket). */
export const CHANNEL_LIMIT = 20;

/**
 * The notification channels: creation within the per-client limit, expiry 24 h after the last subscription change,
 * and subscriptions within the per-channel topic limit (each topic decided by the {@link TopicGate}).
 */
export class ChannelRegistry {
    private readonly channels = new Map<string, NotificationChannel>();

    constructor(
        private readonly clock: Clock,
        private readonly newId: () => string,
        private readonly gate: TopicGate
    ) {}

    /** A new channel for `clientId`, replacing its oldest one when it already has {@link CHANNEL_LIMIT}. */
    create(clientId: string): NotificationChannel {
        const mine = [...this.channels.values()].filter((c) => c.clientId === clientId);
        if (mine.length >= CHANNEL_LIMIT) {
            const byAge = (a: NotificationChannel, b: NotificationChannel): number => a.createdAt - b.createdAt;
            this.drop(mine.filter((c) => !c.socket).sort(byAge)[0] ?? mine.sort(byAge)[0]);
        }
        const now = this.clock.now();
        const channel: NotificationChannel = {
            id: this.newId(),
            clientId,
            topics: new Set(),
            expiresAt: now + CHANNEL_LIFETIME_MS,
            createdAt: now
        };
        this.channels.set(channel.id, channel);
        return channel;
    }

    /** The channel `id` while it has not expired (no side effect). */
    live(id: string): NotificationChannel | undefined {
        const channel = this.channels.get(id);
        return channel && channel.expiresAt > this.clock.now() ? channel : undefined;
    }

    /** The channel `id`; 404 when unknown or expired (an expired channel is dropped, its socket terminated). */
    liveOr404(id: string): NotificationChannel {
        const channel = this.channels.get(id);
        if (!channel || channel.expiresAt <= this.clock.now()) {
            if (channel) this.drop(channel);
            throw notFound(`Channel ${id} not found`);
        }
        return channel;
    }

    /**
     * Subscribe `channel` to `topics` (added to its topics, or replacing them) for a client with `role`, renewing its
     * expiry; each topic's verdict in request order. 400 when the channel would exceed {@link TOPIC_LIMIT}. A topic the
     * role may not read fails the whole request with 403 and changes nothing, unless `ignoreErrors` ("prevent throwing
     * of errors for failed permissions checks", `NotificationsApi.js:172,233`): then the permitted topics are
     * subscribed and the refused ones answered `Rejected` with `rejectionReason` and `missingPermissions`
     * (`ChannelTopic`, index.d.ts:25809).
     */
    subscribe(
        channel: NotificationChannel,
        topics: string[],
        options: { replace: boolean; ignoreErrors: boolean; role: Role }
    ): Genesys.Models.ChannelTopic[] {
        const total = new Set([...(options.replace ? [] : channel.topics), ...topics]).size;
        if (total > TOPIC_LIMIT) {
            throw new HttpError(
                400,
                'notification.topic.limit.exceeded',
                `A channel may have at most ${TOPIC_LIMIT} topics`
            );
        }
        const verdicts = topics.map((topic) => this.gate.verdict(topic, options.role));
        const refused = verdicts.filter((v) => (v.missingPermissions ?? []).length > 0);
        if (refused.length > 0 && !options.ignoreErrors) {
            const permissions = [...new Set(refused.flatMap((v) => v.missingPermissions!))].join(', ');
            throw new HttpError(
                403,
                'missing.permissions',
                `Unable to subscribe to ${refused.map((v) => v.id).join(', ')}: missing permission(s) [${permissions}]`,
                {},
                { permissions }
            );
        }
        if (options.replace) channel.topics.clear();
        const selfUri = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
        for (const v of verdicts) {
            if (v.state !== 'Permitted') continue;
            channel.topics.add(v.id!);
            v.selfUri = selfUri;
        }
        channel.expiresAt = this.clock.now() + CHANNEL_LIFETIME_MS;
        return verdicts;
    }

    all(): IterableIterator<NotificationChannel> {
        return this.channels.values();
    }

    private drop(channel: NotificationChannel): void {
        channel.socket?.terminate();
        this.channels.delete(channel.id);
    }
}
