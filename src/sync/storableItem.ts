import type { DeadLetter } from './SyncQueue';

/** What a dead letter keeps of an item too long to store whole: its first characters. */
export interface TruncatedItem {
    truncated: true;
    /** Length of the item's JSON. */
    chars: number;
    /** The first `maxChars` characters of the item's JSON (not parseable on its own). */
    head: string;
}

/** What a dead letter keeps of an item that cannot be serialised (e.g. nested thousands of levels deep). */
export interface UnstorableItem {
    unstorable: true;
    reason: string;
    type: string;
}

/** A short description of a value without walking into it. */
function kindOf(item: unknown): string {
    if (Array.isArray(item)) return `array of ${item.length}`;
    if (item === null) return 'null';
    if (typeof item === 'object') return `object with ${Object.keys(item as object).length} keys`;
    return typeof item;
}

/**
 * The form of a refused item a dead letter stores: the item itself when its JSON has at most `maxChars` characters,
 * else its first `maxChars` characters ({@link TruncatedItem}), or a summary when it cannot be serialised at all
 * ({@link UnstorableItem}). So one item can neither make a whole batch's dead letters fail nor fill the store.
 */
export function storableItem(item: unknown, maxChars: number): unknown {
    let json: string | undefined;
    try {
        json = JSON.stringify(item);
    } catch (error) {
        const reason = error instanceof RangeError ? 'nested too deeply to serialise' : 'cannot be serialised';
        return { unstorable: true, reason, type: kindOf(item) } satisfies UnstorableItem;
    }
    if (json === undefined) return { unstorable: true, reason: 'not a JSON value', type: kindOf(item) };
    if (json.length <= maxChars) return item;
    return { truncated: true, chars: json.length, head: json.slice(0, maxChars) } satisfies TruncatedItem;
}

/** The dead letter as stored: its item in {@link storableItem} form. */
export function storableLetter(letter: DeadLetter, maxChars: number): DeadLetter {
    return { ...letter, item: storableItem(letter.item, maxChars) };
}
