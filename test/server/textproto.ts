// A parser for the subset of protobuf text format that TrailBase's config.textproto uses: nested
// messages (`name { … }` or `name: { … }`), scalar fields, enum identifiers, `[a, b]` lists, repeated
// fields, `#` comments and quoted strings with C escapes. Fields are always collected as arrays so
// repeated and list syntax read the same way.

export type TextprotoValue = string | number | boolean | TextprotoMessage;
export interface TextprotoMessage {
  [field: string]: TextprotoValue[];
}

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; pos: number };

export function parseTextproto(source: string): TextprotoMessage {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const next = (): Token => {
    const t = tokens[at++];
    if (!t) throw new Error('textproto: unexpected end of input');
    return t;
  };
  const expect = (text: string): void => {
    const t = next();
    if (t.text !== text || t.kind !== 'punct') throw new Error(`textproto: expected '${text}' at ${t.pos}, got '${t.text}'`);
  };

  function parseMessage(closing: string | undefined): TextprotoMessage {
    const msg: TextprotoMessage = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (closing) throw new Error(`textproto: missing '${closing}'`);
        return msg;
      }
      if (t.kind === 'punct' && t.text === closing) {
        at++;
        return msg;
      }
      if (t.kind === 'punct' && (t.text === ',' || t.text === ';')) {
        at++;
        continue;
      }
      const name = next();
      if (name.kind !== 'ident') throw new Error(`textproto: expected a field name at ${name.pos}, got '${name.text}'`);
      const hasColon = peek()?.text === ':';
      if (hasColon) at++;
      const values = parseFieldValue(hasColon);
      (msg[name.text] ??= []).push(...values);
    }
  }

  function parseFieldValue(hasColon: boolean): TextprotoValue[] {
    const t = peek();
    if (t?.kind === 'punct' && t.text === '[' && hasColon) {
      at++;
      const values: TextprotoValue[] = [];
      while (peek()?.text !== ']') {
        values.push(parseSingle());
        if (peek()?.text === ',') at++;
      }
      expect(']');
      return values;
    }
    return [parseSingle()];
  }

  function parseSingle(): TextprotoValue {
    const t = next();
    if (t.kind === 'punct' && (t.text === '{' || t.text === '<')) return parseMessage(t.text === '{' ? '}' : '>');
    if (t.kind === 'string') {
      let text = t.text;
      while (peek()?.kind === 'string') text += next().text; // adjacent strings concatenate
      return text;
    }
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'True') return true;
      if (t.text === 'false' || t.text === 'False') return false;
      return t.text; // enum value
    }
    throw new Error(`textproto: unexpected '${t.text}' at ${t.pos}`);
  }

  return parseMessage(undefined);
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if ('{}[]<>:,;'.includes(c)) { tokens.push({ kind: 'punct', text: c, pos: i }); i++; continue; }
    if (c === '"' || c === "'") {
      const start = i;
      let text = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const e = src[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
          if (!(e in map)) throw new Error(`textproto: unsupported escape \\${e} at ${i}`);
          text += map[e];
          i += 2;
        } else text += src[i++];
      }
      if (src[i] !== c) throw new Error(`textproto: unterminated string at ${start}`);
      i++;
      tokens.push({ kind: 'string', text, pos: start });
      continue;
    }
    const m = /^-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (m && m[0] !== '-') { tokens.push({ kind: 'number', text: m[0], pos: i }); i += m[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (id) { tokens.push({ kind: 'ident', text: id[0], pos: i }); i += id[0].length; continue; }
    throw new Error(`textproto: unexpected character '${c}' at ${i}`);
  }
  return tokens;
}
