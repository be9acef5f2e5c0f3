import { ValidationError } from './errors';

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** True for the hosts where plain http never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname);
}

/** The checked address as the text the connection keeps: `https://host` or `https://host/prefix`. */
export function serverUrlText(input: string): string {
  return validateServerUrl(input).toString().replace(/\/$/, '');
}

/** A server's host for messages; the URL as given when it does not parse (a row written by hand). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Whether the text looks like an email address (the server has the final word). */
export function isEmailAddress(text: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(text.trim());
}

/**
 * Checks a server address typed by a user and returns it normalised (no trailing slash, no query).
 * `https://` is required because the password and tokens travel in it; plain `http://` is accepted only
 * for loopback, where nothing crosses a network.
 */
export function validateServerUrl(input: string): URL {
  const text = input.trim();
  if (text === '') {
    throw new ValidationError('bad-url', "Enter your team's TrailBase server address, for example https://focus.example.com.");
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(
      'bad-url',
      `"${text}" is not a web address. Enter the full address including https://, for example https://focus.example.com.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError('bad-url', `The server address must start with https:// (got ${url.protocol}//). Check the address and try again.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ValidationError(
      'bad-url',
      `Plain http:// would send your password and tokens unencrypted to ${url.hostname}. Use the server's https:// address (http:// is only allowed for localhost).`,
    );
  }
  if (url.username || url.password) {
    throw new ValidationError('bad-url', 'Remove the user name and password from the server address; you sign in separately.');
  }
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}
