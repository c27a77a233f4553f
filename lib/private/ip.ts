import { propError } from './errors';

/**
 * IP address literals as Go's `net.ParseIP` reads them (what K3s and the kubelet parse `node-ip`
 * with): dotted-decimal IPv4 without leading zeros, and RFC 4291 IPv6 text (one `::`, an optional
 * dotted IPv4 tail), no zone (`%eth0`), no brackets, no prefix length.
 */

/** A parsed IP address: 4 bytes for IPv4 (and IPv4-mapped IPv6, which Go treats as the same address), else 16. */
export interface ParsedIp {
  readonly version: 4 | 6;
  readonly bytes: number[];
  /** One spelling per address, for finding the same address written twice (`2001:db8::1` = `2001:DB8:0::1`). */
  readonly key: string;
}

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!IPV4_OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

/** 16-bit words of a colon-separated list; a dotted IPv4 address may end the last list only. */
function words(list: string, v4Tail: boolean): number[] | undefined {
  if (list === '') return [];
  const out: number[] = [];
  const groups = list.split(':');
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (v4Tail && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIpv4(g);
      if (!v4) return undefined;
      out.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
    } else if (HEX_GROUP.test(g)) {
      out.push(parseInt(g, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

function parseIpv6(text: string): number[] | undefined {
  if (text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  let all: number[] | undefined;
  if (halves.length === 1) {
    all = words(text, true);
    if (!all || all.length !== 8) return undefined;
  } else if (halves.length === 2) {
    const head = words(halves[0], false);
    const tail = words(halves[1], true);
    // "::" stands for one or more zero words.
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    return undefined;
  }
  return all.flatMap(w => [Math.floor(w / 256), w % 256]);
}

/**
 * The address `text` spells, or undefined when it is not an IP literal.
 *
 * @internal
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  let bytes: number[] | undefined;
  if (text.includes(':')) {
    bytes = parseIpv6(text);
    // ::ffff:a.b.c.d is the IPv4 address a.b.c.d to Go (net.IP.To4, net.IP.Equal).
    if (bytes && bytes.slice(0, 10).every(b => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) bytes = bytes.slice(12);
  } else {
    bytes = parseIpv4(text);
  }
  if (!bytes) return undefined;
  const version = bytes.length === 4 ? 4 : 6;
  const key = version === 4 ? bytes.join('.')
    : Array.from({ length: 8 }, (_, i) => (bytes![2 * i] * 256 + bytes![2 * i + 1]).toString(16)).join(':');
  return { version, bytes, key };
}

/**
 * Why the kubelet refuses `ip` as a node IP, or undefined: the checks of its `validateNodeIP`
 * (loopback, multicast, link-local unicast, unspecified), with Go's `net.IP` classifications.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kubelet_node_status.go (validateNodeIP)
 * @internal
 */
export function nodeIpProblem(ip: ParsedIp): string | undefined {
  const b = ip.bytes;
  if (b.every(x => x === 0)) return 'is the unspecified (all zeros) address';
  if (ip.version === 4) {
    if (b[0] === 127) return 'is a loopback address';
    if (b[0] >= 224 && b[0] <= 239) return 'is a multicast address';
    if (b[0] === 169 && b[1] === 254) return 'is a link-local address';
    return undefined;
  }
  if (b.slice(0, 15).every(x => x === 0) && b[15] === 1) return 'is a loopback address';
  if (b[0] === 0xff) return 'is a multicast address';
  if (b[0] === 0xfe && b[1] >= 0x80 && b[1] <= 0xbf) return 'is a link-local address';
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
