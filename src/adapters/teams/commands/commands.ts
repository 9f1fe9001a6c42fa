import { renderHelpCard, type AdaptiveCardJson } from '../../../cards/renderCard';
import type { CommandHandler } from '../HandlerContext';
import { exclude, include } from './exclusions';
import { report } from './report';
import { status } from './status';
import { subscribe, unsubscribe } from './subscriptions';

/** The help card: `intro`, then every command with its description. */
export function helpCard(intro: string): AdaptiveCardJson {
    return renderHelpCard({ intro, commands: COMMANDS.map(({ name, description }) => ({ name, description })) });
}

const help: CommandHandler = async () => ({ card: helpCard('') });

/** The chat commands (the manifest's command lists match them): `name` as the help card shows it, and the handler. */
export const COMMANDS: ReadonlyArray<{ name: string; description: string; handle: CommandHandler }> = [
    {
        name: 'status',
        description: 'Your own adherence now and today (in a supervisor channel: who is drifting now, where alerts go)',
        handle: status
    },
    { name: 'report [days]', description: 'Drift report for the last days (default 7)', handle: report },
    {
        name: 'subscribe <unit> [HH:MM-HH:MM [days]]',
        description:
            "Send this unit's alerts to this channel, during these hours when given (e.g. 06:00-14:00 mon-fri); " +
            'subscribe <unit> escalation [level]: here go the alerts nobody acts on in time',
        handle: subscribe
    },
    { name: 'unsubscribe', description: 'Stop alerts in this channel', handle: unsubscribe },
    {
        name: 'exclude <category>',
        description: 'Never alert for a scheduled activity category (e.g. Meeting)',
        handle: exclude
    },
    { name: 'include <category>', description: 'Alert again for a category', handle: include },
    { name: 'help', description: 'This list', handle: help }
];

const byWord = new Map(COMMANDS.map((c) => [c.name.split(' ')[0], c.handle]));

/** The handler of a command word (any case), if it is one. */
export function commandFor(word: string): CommandHandler | undefined {
    return byWord.get(word.toLowerCase());
}
