// What a person browsing the Marketplace or Open VSX sees of FocusFlow before installing it: the icon,
// the banner, the categories and keywords they search by, and the README's first screen.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// The categories the Marketplace accepts (vsce refuses others).
const CATEGORIES = new Set(['AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs',
  'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Other',
  'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization']);

describe('Marketplace listing', () => {
  it('has a 128 × 128 PNG icon that the package ships', () => {
    assert.match(manifest.icon, /\.png$/, 'the Marketplace refuses SVG icons');
    const png = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    // IHDR: width and height are the first two 32-bit fields after the chunk header
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    const shipped = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    assert.match(shipped, /^!media\/\*\*$/m, '.vscodeignore must ship media/, where the icon lives');
  });

  it('names categories the Marketplace knows, keywords people search for, and a banner', () => {
    assert.ok(manifest.categories.length > 0);
    for (const c of manifest.categories) assert.ok(CATEGORIES.has(c), `unknown category ${c}`);
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30, 'the Marketplace takes up to 30');
    for (const k of ['pomodoro', 'focus', 'time tracking']) assert.ok(manifest.keywords.includes(k), k);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  });

  it('opens its README with the newcomer commands and says what it does for one person and a team', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const firstScreen = readme.split('\n').slice(0, 40).join('\n');
    assert.match(firstScreen, /npm ci[\s\S]*npm test/);
    assert.match(firstScreen, /on your own|for one person|alone/i);
    assert.match(firstScreen, /team/i);
  });
});
