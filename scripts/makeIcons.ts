import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/** Writes the Teams app icons (color 192×192, outline 32×32 white on transparent) as PNGs, without dependencies. */
function crc32(buf: Buffer): number {
    let c = ~0;
    for (const b of buf) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
}

function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(size, 0);
    header.writeUInt32BE(size, 4);
    header[8] = 8;
    header[9] = 6;
    const rows: Buffer[] = [];
    for (let y = 0; y < size; y++) {
        const row = Buffer.alloc(1 + size * 4);
        for (let x = 0; x < size; x++) row.set(pixel(x, y), 1 + x * 4);
        rows.push(row);
    }
    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', header),
        chunk('IDAT', deflateSync(Buffer.concat(rows))),
        chunk('IEND', Buffer.alloc(0))
    ]);
}

const ring = (size: number, x: number, y: number): boolean => {
    const c = (size - 1) / 2;
    const d = Math.hypot(x - c, y - c);
    return d < size * 0.42 && d > size * 0.3;
};
writeFileSync(
    'teamsAppManifest/color.png',
    png(192, (x, y) => (ring(192, x, y) ? [255, 255, 255, 255] : [70, 71, 117, 255]))
);
writeFileSync(
    'teamsAppManifest/outline.png',
    png(32, (x, y) => (ring(32, x, y) ? [255, 255, 255, 255] : [0, 0, 0, 0]))
);
