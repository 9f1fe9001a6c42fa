/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads on the wire are untyped here */
/** Teams activity factories for tests (mirroring teams-ai's TestUtilities): what Teams POSTs to /api/messages. */

export const BOT = { id: '28:bot-app-id', name: 'adherence' };
export const TENANT = 'tenant-1';

export interface TestUser {
    id: string;
    name: string;
    aadObjectId: string;
}

let seq = 0;

function base(serviceUrl: string, user: TestUser, conversation: Record<string, unknown>) {
    return {
        id: `in-${++seq}`,
        timestamp: new Date(0).toISOString(),
        channelId: 'msteams',
        serviceUrl,
        from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
        recipient: BOT,
        conversation: { tenantId: TENANT, ...conversation },
        channelData: { tenant: { id: TENANT } },
        locale: 'en-US'
    };
}

export function personalConversation(user: TestUser) {
    return { id: `a:personal-${user.id}`, conversationType: 'personal' };
}

export function channelConversation(channelId: string) {
    return { id: channelId, conversationType: 'channel', isGroup: true };
}

/** The app was installed in a personal chat. */
export function installPersonal(serviceUrl: string, user: TestUser) {
    return { ...base(serviceUrl, user, personalConversation(user)), type: 'installationUpdate', action: 'add' };
}

/** The app was added to a team (channel). */
export function installChannel(serviceUrl: string, user: TestUser, channelId: string) {
    return { ...base(serviceUrl, user, channelConversation(channelId)), type: 'installationUpdate', action: 'add' };
}

export function personalMessage(serviceUrl: string, user: TestUser, text: string) {
    return { ...base(serviceUrl, user, personalConversation(user)), type: 'message', text };
}

/** A channel message mentioning the bot (`@adherence …`). */
export function channelMessage(serviceUrl: string, user: TestUser, channelId: string, text: string) {
    const mention = `<at>adherence</at>`;
    return {
        ...base(serviceUrl, user, channelConversation(`${channelId};messageid=${seq + 1000}`)),
        type: 'message',
        text: `${mention} ${text}`,
        entities: [{ type: 'mention', text: mention, mentioned: BOT }]
    };
}

/** An Action.Execute click (invoke `adaptiveCard/action`). */
export function actionExecute(
    serviceUrl: string,
    user: TestUser,
    conversation: Record<string, unknown>,
    verb: string,
    data: Record<string, unknown>,
    replyToId = 'act-x'
) {
    return {
        ...base(serviceUrl, user, conversation),
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' }
    };
}

/** POST an activity to the bot; returns status and parsed body. */
export async function postActivity(
    appUrl: string,
    activity: unknown,
    headers: Record<string, string> = {}
): Promise<{ status: number; body: any }> {
    const res = await fetch(`${appUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close', ...headers },
        body: JSON.stringify(activity)
    });
    const text = await res.text();
    let body: unknown = text;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        /* not JSON */
    }
    return { status: res.status, body };
}
