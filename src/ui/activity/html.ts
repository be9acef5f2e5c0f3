import { randomBytes, toBase64 } from '../../core/bytes';

export interface ActivityHtmlParts {
  /** The webview's `cspSource`: the only origin styles and the script may come from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

export function createNonce(): string {
  return toBase64(randomBytes(18));
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The Activity view's page: a closed room. Nothing but our bundled script (by nonce) and stylesheet
 * may load; no inline style, no remote image, no connection. It carries no data: that arrives by
 * message, so no user text ever passes through HTML parsing. The rendering test loads this same page.
 */
export function activityHtml(p: ActivityHtmlParts): string {
  const csp = [
    "default-src 'none'",
    `style-src ${p.cspSource}`,
    `img-src ${p.cspSource}`,
    `font-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>Team Activity</title>
</head>
<body>
<main id="root"></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
