// Loaded by .mocharc.js before any test: a bare `npx mocha` also keeps its temp files in one folder
// that goes when mocha ends (see scratch.js); under `npm test` it joins the run's folder.
require('./scratch').claimScratch();
