import { notFound } from './HttpError';
import { ok, type Reply } from './httpIo';

/** Content served at a signed-looking `downloadUrl` (`GET /downloads/{id}`, no token), as Genesys serves large results. */
export class Downloads {
    private readonly contents = new Map<string, unknown>();

    constructor(
        private readonly newId: () => string,
        /** The emulator's base URL (known once it listens). */
        private readonly baseUrl: () => string
    ) {}

    /** Keep `content` and return the URL that serves it. */
    offer(content: unknown): string {
        const id = this.newId();
        this.contents.set(id, content);
        return `${this.baseUrl()}/downloads/${id}?X-Amz-Signature=${this.newId()}`;
    }

    /** The answer to `GET /downloads/{id}`. */
    serve(id: string): Reply {
        const content = this.contents.get(id);
        if (content === undefined) throw notFound('Download expired');
        return ok(content);
    }
}
