// Email validation as TrailBase v0.33 does it: `validate_and_normalize_email_address` (auth/util.rs)
// and the `is_email()` SQL function (extension/src/validators.rs) both call the `validator` crate's
// `ValidateEmail`, which follows the HTML spec's "valid e-mail address": a local part of the allowed
// characters, a domain of dot-separated hostname labels (one label is enough, so `admin@localhost`
// is an address) or an IP literal in brackets, at most 64 and 255 characters, internationalised
// domains checked after their punycode conversion.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

const LOCAL_PART = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IP_LITERAL = /\[([a-fA-F0-9:.]+)\]$/;

export function isEmail(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at < 0) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  // The crate counts characters, not bytes.
  if ([...local].length > 64 || [...domain].length > 255) return false;
  if (!LOCAL_PART.test(local)) return false;
  if (validDomain(domain)) return true;
  const ascii = domainToASCII(domain);
  return ascii !== '' && validDomain(ascii);
}

function validDomain(domain: string): boolean {
  if (HOSTNAME.test(domain)) return true;
  const literal = IP_LITERAL.exec(domain);
  return literal !== null && isIP(literal[1]) !== 0;
}
