import { z } from 'zod';

/** At most this many characters of a string field the bot reads (Teams caps a message at about 28 KB). */
const MAX_TEXT = 100_000;
const MAX_ID = 1_024;

const id = z.string().min(1).max(MAX_ID);
const optionalText = (max: number) => z.string().max(max).optional();
const json = z.record(z.unknown());

const account = z.object({
    id,
    name: optionalText(MAX_ID),
    aadObjectId: optionalText(MAX_ID),
    role: optionalText(64)
});

/**
 * The fields of a Bot Framework activity the bot and botbuilder read, with their types: everything else is dropped,
 * so no handler sees an unvalidated type (a numeric `text`, an object `conversation.id`…). `serviceUrl` must be an
 * http(s) URL: replies go there.
 */
export const inboundActivitySchema = z.object({
    type: z.string().min(1).max(64),
    id: optionalText(MAX_ID),
    name: optionalText(256),
    action: optionalText(64),
    channelId: z.string().min(1).max(64).default('msteams'),
    serviceUrl: z
        .string()
        .max(2_048)
        .url()
        .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL'),
    timestamp: optionalText(64),
    localTimestamp: optionalText(64),
    locale: optionalText(64),
    text: optionalText(MAX_TEXT),
    textFormat: optionalText(64),
    replyToId: optionalText(MAX_ID),
    value: z.unknown().optional(),
    from: account,
    recipient: account.optional(),
    conversation: z.object({
        id,
        name: optionalText(MAX_ID),
        conversationType: optionalText(64),
        tenantId: optionalText(MAX_ID),
        isGroup: z.boolean().optional()
    }),
    membersAdded: z.array(account).max(1_000).optional(),
    membersRemoved: z.array(account).max(1_000).optional(),
    entities: z
        .array(z.object({ type: z.string().min(1).max(64) }).passthrough())
        .max(100)
        .optional(),
    attachments: z.array(json).max(100).optional(),
    channelData: json.optional()
});

/** The invoke the bot handles: an Adaptive Card `Action.Execute` (teams-ai routes it by a string verb). */
const actionExecuteValue = z.object({
    action: z.object({ type: z.string().max(64), verb: z.string().max(256), data: json.optional() })
});

const mention = z.object({ mentioned: z.object({ id: z.string() }), text: z.string().max(MAX_ID) });

/**
 * Also checked: a mention names who and how (botbuilder strips the bot's mention from the text with them), and only
 * the invoke the bot handles comes through.
 */
const checkedActivitySchema = inboundActivitySchema.superRefine((activity, issues) => {
    (activity.entities ?? []).forEach((entity, i) => {
        if (entity.type.toLowerCase() !== 'mention') return;
        if (!mention.safeParse(entity).success)
            issues.addIssue({
                code: 'custom',
                path: ['entities', i],
                message: 'a mention needs mentioned.id and text'
            });
        else if (activity.text === undefined)
            issues.addIssue({ code: 'custom', path: ['text'], message: 'a message with a mention needs its text' });
    });
    if (activity.type !== 'invoke') return;
    if (activity.name !== 'adaptiveCard/action') {
        issues.addIssue({
            code: 'custom',
            path: ['name'],
            message: 'the only invoke this bot handles is adaptiveCard/action'
        });
        return;
    }
    const value = actionExecuteValue.safeParse(activity.value);
    if (!value.success)
        for (const issue of value.error.issues.slice(0, 3))
            issues.addIssue({ ...issue, path: ['value', ...issue.path] } as z.IssueData);
});

export type InboundActivity = z.infer<typeof inboundActivitySchema>;

export type ActivityCheck = { ok: true; activity: InboundActivity } | { ok: false; problem: string };

/**
 * Validates a parsed request body as an activity. The problem names the first few bad fields and what they must be,
 * never a value or an internal detail.
 */
export function checkActivity(body: unknown): ActivityCheck {
    const parsed = checkedActivitySchema.safeParse(body);
    if (parsed.success) return { ok: true, activity: parsed.data };
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { ok: false, problem: `not a valid activity (${problems.join('; ')})` };
}
