/**
 * Text from other people or from a server (team names, emails, invite codes, error reasons), made safe
 * to show: notifications render `[text](link)` as a link, and quick picks and titles render `$(name)`
 * as an icon. A zero-width space between the characters shows the same text without either.
 */
export function shown(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(').replace(/\$\(/g, '$\u200b(');
}
