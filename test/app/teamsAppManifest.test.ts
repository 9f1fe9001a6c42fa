import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/adapters/teams/commands/commands';

const dir = join(__dirname, '..', '..', 'teamsAppManifest');

function pngSize(file: string): { width: number; height: number; colorType: number } {
    const buf = readFileSync(join(dir, file));
    assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
    assert.equal(buf.subarray(12, 16).toString('ascii'), 'IHDR');
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType: buf[25] };
}

describe('Teams app manifest', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

    it('has the required fields on a recent schema', () => {
        const version = /v(\d+)\.(\d+)/.exec(manifest.$schema);
        assert.ok(version && (Number(version[1]) > 1 || Number(version[2]) >= 19), 'schema v1.19 or newer');
        assert.equal(manifest.manifestVersion, `${version![1]}.${version![2]}`);
        for (const field of ['version', 'id', 'developer', 'icons', 'name', 'description', 'accentColor'])
            assert.ok(manifest[field], field);
        for (const field of ['name', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl'])
            assert.ok(manifest.developer[field], `developer.${field}`);
        assert.ok(manifest.name.short.length <= 30 && manifest.name.full.length <= 100);
        assert.ok(manifest.description.short.length <= 80 && manifest.description.full.length <= 4000);
        assert.match(manifest.accentColor, /^#[0-9A-Fa-f]{6}$/);
    });

    it('declares the bot in personal, team and group chat with every command', () => {
        const [bot] = manifest.bots;
        assert.equal(bot.botId, '${{BOT_ID}}');
        assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
        const titles = bot.commandLists.flatMap((l: { commands: Array<{ title: string }> }) =>
            l.commands.map((c) => c.title)
        );
        assert.deepEqual(titles.sort(), COMMANDS.map((c) => c.name.split(' ')[0]).sort());
        for (const list of bot.commandLists) assert.ok(list.commands.length <= 10, 'at most 10 commands per list');
    });

    it('ships icons of the required sizes (color 192×192, outline 32×32 with transparency)', () => {
        assert.deepEqual(pngSize(manifest.icons.color), { width: 192, height: 192, colorType: 6 });
        const outline = pngSize(manifest.icons.outline);
        assert.equal(outline.width, 32);
        assert.equal(outline.height, 32);
        assert.equal(outline.colorType, 6, 'RGBA: white on transparent');
    });

    it('is referenced by the Toolkit project files', () => {
        for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
            const yml = readFileSync(join(dir, '..', file), 'utf8');
            assert.match(yml, /manifestPath: \.\/teamsAppManifest\/manifest\.json/);
            assert.match(yml, /^version: v1\.\d+/m);
            assert.match(yml, /botFramework\/create/);
        }
    });
});
