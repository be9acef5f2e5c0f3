// `npm run icon`: renders media/icon.svg to media/icon.png (128 × 128), the icon the Marketplace and
// Open VSX show. The PNG is committed, because a listing needs it in every package and rendering needs
// Chromium (installed by setup.sh with the test host); run this again after changing the SVG.
// usage: node test/host/make-icon.js   (after `npm run setup:host`)
const path = require('path');
const fs = require('fs');

const root = path.resolve(__dirname, '../..');
const { chromium } = require(path.join(root, '.vscode-test-host/pw/node_modules/playwright-core'));

(async () => {
  const svg = fs.readFileSync(path.join(root, 'media/icon.svg'), 'utf8');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(root, 'media/icon.png'), omitBackground: true });
  await browser.close();
  console.log('wrote media/icon.png');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
