import { propError } from './errors';

/**
 * IP address literals as Go's `net.ParseIP` reads them (what K3s and the kubelet parse `node-ip`
 * with): dotted-decimal IPv4 without leading zeros, and RFC 4291 IPv6 text (one `::`, an optional
 * dotted IPv4 tail), no zone (`%eth0`), no brackets, no prefix length.
 */

/** A parsed IP address: 4 octets for IPv4 (and IPv4-mapped IPv6, which Go treats as the same address), else 8 16-bit words. */
export interface ParsedIp {
  readonly version: 4 | 6;
  /** The 4 octets (IPv4) or 8 words (IPv6). */
  readonly parts: number[];
  /** One spelling per address, for finding the same address written twice (`2001:db8::1` = `2001:DB8:0::1`). */
  readonly key: string;
}

/** The 4 octets of a dotted-decimal IPv4 address (no leading zeros, as Go 1.17+), or undefined. */
function parseIpv4(text: string, from: number, to: number): number[] | undefined {
  const out: number[] = [];
  let value = -1;
  let digits = 0;
  for (let k = from; k <= to; k++) {
    const c = k < to ? text.charCodeAt(k) : 46 /* a final "." ends the last octet */;
    if (c === 46) {
      if (digits === 0 || out.length === 4) return undefined;
      out.push(value);
      value = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return undefined; // a leading zero
      value = (digits === 0 ? 0 : value * 10) + (c - 48);
      if (value > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  return out.length === 4 ? out : undefined;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The 8 words of an IPv6 address (RFC 4291 text: one "::" for one or more zero words, an optional dotted IPv4 tail), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const n = text.length;
  if (n < 2 || n > 45) return undefined;
  const words: number[] = [];
  let gap = -1; // where "::" stands
  let k = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    k = 2;
  }
  while (k < n) {
    if (words.length >= 8) return undefined;
    // One group: hex digits, or a dotted IPv4 address that ends the text.
    let end = k;
    let value = 0;
    while (end < n && end - k < 5) {
      const h = hexValue(text.charCodeAt(end));
      if (h < 0) break;
      value = value * 16 + h;
      end++;
    }
    if (end < n && text.charCodeAt(end) === 46) {
      const v4 = parseIpv4(text, k, n);
      if (!v4 || words.length > 6) return undefined;
      words.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
      k = n;
      break;
    }
    if (end === k || end - k > 4) return undefined;
    words.push(value);
    k = end;
    if (k === n) break;
    if (text.charCodeAt(k) !== 58) return undefined;
    k++;
    if (text.charCodeAt(k) === 58) {
      if (gap >= 0) return undefined;
      gap = words.length;
      k++;
    } else if (k === n) {
      return undefined; // a trailing single ":"
    }
  }
  if (gap < 0) return words.length === 8 ? words : undefined;
  if (words.length > 7) return undefined;
  const zeros = new Array<number>(8 - words.length).fill(0);
  return words.slice(0, gap).concat(zeros, words.slice(gap));
}

/**
 * The address `text` spells, or undefined when it is not an IP literal.
 *
 * @internal
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.indexOf(':') < 0) {
    const v4 = parseIpv4(text, 0, text.length);
    return v4 && { version: 4, parts: v4, key: v4.join('.') };
  }
  const words = parseIpv6(text);
  if (!words) return undefined;
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d to Go (net.IP.To4, net.IP.Equal).
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    const v4 = [Math.floor(words[6] / 256), words[6] % 256, Math.floor(words[7] / 256), words[7] % 256];
    return { version: 4, parts: v4, key: v4.join('.') };
  }
  const hex: string[] = [];
  for (const w of words) hex.push(w.toString(16));
  return { version: 6, parts: words, key: hex.join(':') };
}

/**
 * Why the kubelet refuses `ip` as a node IP, or undefined: the checks of its `validateNodeIP`
 * (loopback, multicast, link-local unicast, unspecified), with Go's `net.IP` classifications.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kubelet_node_status.go (validateNodeIP)
 * @internal
 */
export function nodeIpProblem(ip: ParsedIp): string | undefined {
  const p = ip.parts;
  if (p.every(x => x === 0)) return 'is the unspecified (all zeros) address';
  if (ip.version === 4) {
    if (p[0] === 127) return 'is a loopback address';
    if (p[0] >= 224 && p[0] <= 239) return 'is a multicast address';
    if (p[0] === 169 && p[1] === 254) return 'is a link-local address';
    return undefined;
  }
  if (p.slice(0, 7).every(x => x === 0) && p[7] === 1) return 'is a loopback address';
  if (p[0] >= 0xff00) return 'is a multicast address';
  if (p[0] >= 0xfe80 && p[0] <= 0xfebf) return 'is a link-local address';
  return undefined;
}

/**
 * Checks `value` is an IP address the kubelet accepts as a node IP and returns the parsed address.
 *
 * @internal
 */
export function checkNodeIp(owner: string, prop: string, value: string): ParsedIp {
  const ip = parseIp(value);
  if (!ip) {
    throw propError(owner, prop, value, 'is not an IP address (IPv4 such as 10.1.0.10, or IPv6 such as fd00::10; no zone, brackets or prefix length)',
      'write the node\'s address, e.g. "10.1.0.10"');
  }
  const problem = nodeIpProblem(ip);
  if (problem) {
    throw propError(owner, prop, value, `${problem}: the kubelet refuses it as a node IP (validateNodeIP)`, 'use the node\'s unicast address on the site network');
  }
  return ip;
}

/**
 * The addresses of a node-ip value (one address, or a comma-separated dual-stack pair) in one
 * spelling each (`FD00:0::10` is `fd00::10`), for uniqueness checks; parts that are no address are
 * left out (the node's own check reports them).
 *
 * @internal
 */
export function ipKeys(value: string | undefined): string[] {
  return (value ?? '').split(',').map(a => parseIp(a.trim())?.key).filter((k): k is string => k !== undefined);
}
