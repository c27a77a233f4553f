import * as fc from 'fast-check';
import { checkNodeIp, ipKeys, nodeIpProblem, parseIp } from '../../lib/private/ip';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';

describe('parseIp: the literals Go net.ParseIP accepts', () => {
  test.each([
    ['10.1.0.10', '10.1.0.10'], ['0.0.0.0', '0.0.0.0'], ['255.255.255.255', '255.255.255.255'],
    ['::', '0:0:0:0:0:0:0:0'], ['::1', '0:0:0:0:0:0:0:1'], ['2001:db8::1', '2001:db8:0:0:0:0:0:1'], ['2001:DB8:0:0::1', '2001:db8:0:0:0:0:0:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'], ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'], ['::1.2.3.4', '0:0:0:0:0:0:102:304'],
    // IPv4-mapped IPv6 is the IPv4 address to Go (net.IP.Equal), so it is one key.
    ['::ffff:10.0.0.1', '10.0.0.1'], ['::FFFF:a00:1', '10.0.0.1'],
  ])('%s', (text, key) => {
    expect(parseIp(text)?.key).toBe(key);
  });

  test.each([
    '', ' 10.0.0.1', '10.0.0.1 ', '010.0.0.1', '10.0.0', '10.0.0.1.1', '256.0.0.1', '1e1.0.0.1', '0x1.0.0.1', '10..0.1',
    ':', ':::', '1::2::3', ':1', '1:', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', 'fe80::1%eth0', '[::1]', '::1/128',
    '1.2.3.4::', '1:2:3:4:5:6:7:1.2.3.4', '::01.2.3.4', '10.0.0.1/24', 'localhost',
  ])('%j is not an IP', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  test('every IPv4 address round-trips through its dotted form', () => {
    fc.assert(fc.property(fc.ipV4(), ip => parseIp(ip)?.key === ip), fuzzParams({ numRuns: 500 }));
  });

  test('every IPv6 address fast-check writes parses, and its expanded form is the same address', () => {
    fc.assert(fc.property(fc.ipV6(), ip => {
      const p = parseIp(ip);
      if (!p) return false;
      if (p.version === 4) return true; // ::ffff:a.b.c.d
      const expanded = p.key.split(':').map(w => w.padStart(4, '0')).join(':');
      return parseIp(expanded)?.key === p.key;
    }), fuzzParams({ numRuns: 500 }));
  });

  test('strings that are not IPs never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 50 }), s => {
      parseIp(s);
      return true;
    }), fuzzParams({ numRuns: 500 }));
  });
});

describe('nodeIpProblem: what the kubelet\'s validateNodeIP refuses', () => {
  // kubernetes/kubernetes pkg/kubelet/kubelet_node_status.go validateNodeIP: IsLoopback, IsMulticast,
  // IsLinkLocalUnicast, IsUnspecified (Go net.IP classifications).
  test.each([
    ['127.0.0.1', /loopback/], ['127.255.0.1', /loopback/], ['::1', /loopback/], ['::ffff:127.0.0.1', /loopback/],
    ['224.0.0.1', /multicast/], ['239.255.255.255', /multicast/], ['ff02::1', /multicast/],
    ['169.254.1.1', /link-local/], ['fe80::1', /link-local/], ['febf::1', /link-local/],
    ['0.0.0.0', /unspecified/], ['::', /unspecified/], ['::ffff:0.0.0.0', /unspecified/],
  ])('%s', (text, problem) => {
    expect(nodeIpProblem(parseIp(text)!)).toMatch(problem);
  });

  test.each(['10.1.0.10', '192.168.1.1', '223.255.255.255', '240.0.0.1', '169.253.0.1', 'fd00::10', '2001:db8::1', 'fec0::1', '::2'])('%s is a node IP', (text) => {
    expect(nodeIpProblem(parseIp(text)!)).toBeUndefined();
  });
});

test('checkNodeIp', () => {
  expect(checkNodeIp('sites.csv:2', 'ip', 'fd00::10').version).toBe(6);
  const e = validationErrorOf(() => checkNodeIp('sites.csv:2', 'servers', '10.0.0'));
  expect([e.constructPath, e.prop, e.value]).toEqual(['sites.csv:2', 'servers', '"10.0.0"']);
  expect(validationErrorOf(() => checkNodeIp('s', 'ip', '127.0.0.1')).problem).toMatch(/loopback.*kubelet refuses/);
});

describe('ipKeys', () => {
  test('one spelling per address; both of a dual-stack pair; nothing for what is no address', () => {
    expect(ipKeys('FD00:0::10')).toEqual(ipKeys('fd00::10'));
    expect(ipKeys('10.0.0.1, fd00::1')).toEqual(['10.0.0.1', ipKeys('fd00::1')[0]]);
    expect(ipKeys('::ffff:10.0.0.1')).toEqual(['10.0.0.1']);
    expect(ipKeys(undefined)).toEqual([]);
    expect(ipKeys('not-an-ip')).toEqual([]);
  });
});
