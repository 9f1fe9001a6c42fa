import {
    CardFactory,
    MessageFactory,
    type CloudAdapter,
    type ConversationReference,
    type TurnContext
} from 'botbuilder';
import type { Clock } from '../../../domain/clock';
import type { ConversationRef } from '../BotStore';
import { DeliveryError, deliveryErrorFromStatus } from './DeliveryError';
import type { ConversationSender } from './TeamsDeliverer';

/**
 * The botbuilder {@link ConversationSender}: posts and updates cards with proactive turns
 * (`continueConversationAsync`). Every failure becomes a {@link DeliveryError}; a `Retry-After` date is read against
 * `clock`.
 */
export function createProactiveSender(
    adapter: Pick<CloudAdapter, 'continueConversationAsync'>,
    appId: string,
    clock: Clock
): ConversationSender {
    /**
     * Run one proactive operation. botbuilder routes errors thrown inside a continuation to `onTurnError`, so the
     * failure is caught inside the callback and rethrown here as a {@link DeliveryError} for the outbox.
     */
    async function proactive<T>(reference: ConversationRef, op: (ctx: TurnContext) => Promise<T>): Promise<T> {
        let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
        try {
            await adapter.continueConversationAsync(appId, reference as Partial<ConversationReference>, async (ctx) => {
                try {
                    withoutSdkRetries(ctx);
                    result = { ok: true, value: await op(ctx) };
                } catch (error) {
                    result = { ok: false, error };
                }
            });
        } catch (error) {
            throw toDeliveryError(error, clock.now());
        }
        if (!result) throw new DeliveryError('TEAMS_NETWORK', 'proactive turn did not run', true);
        if (!result.ok) throw toDeliveryError(result.error, clock.now());
        return result.value;
    }

    return {
        send: (reference, card) =>
            proactive(reference, async (ctx) => {
                const res = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
                return res?.id ?? '';
            }),
        update: (reference, activityId, card) =>
            proactive(reference, async (ctx) => {
                const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
                activity.id = activityId;
                await ctx.updateActivity(activity);
            })
    };
}

/** The part of the turn's connector client (botbuilder-stdlib's ServiceClientContext) whose pipeline we trim. */
interface PipelineOwner {
    client?: { pipeline?: { removePolicy(policy: { name: string }): unknown } };
}

/**
 * The connector client of a proactive turn (one per turn) retries a 429 or 503 itself after `Retry-After`, and 5xx
 * with backoff (core-rest-pipeline's `defaultRetryPolicy`, three times): unseen by the outbox, outside the rate gate,
 * so a fleet-wide pause could not hold those retries. Without it every answer comes back at once and the outbox decides
 * (its backoff, the gate's shared pause).
 */
function withoutSdkRetries(ctx: TurnContext): void {
    const connector = ctx.turnState.get<PipelineOwner | undefined>(ctx.adapter.ConnectorClientKey);
    connector?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
}

/** botbuilder (core-rest-pipeline `RestError`) → {@link DeliveryError}; `now` reads a `Retry-After` date. */
function toDeliveryError(error: unknown, now: number): DeliveryError {
    if (error instanceof DeliveryError) return error;
    const e = error as {
        statusCode?: number;
        response?: { status?: number; headers?: { get?(n: string): string | undefined } };
    };
    const status = e?.statusCode ?? e?.response?.status;
    const retryAfter = e?.response?.headers?.get?.('retry-after');
    return deliveryErrorFromStatus(status, retryAfter ?? null, now);
}
