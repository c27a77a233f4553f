import { routeClaimKey } from '../../lib/private/route-claim';

describe('route claims', () => {
  test('/v1 and /v1/ claim the same requests; hosts compare case-insensitively', () => {
    expect(routeClaimKey('Hello.Example.com', '/v1/')).toBe(routeClaimKey('hello.example.com', '/v1'));
    expect(routeClaimKey('a.example.com.', '/')).toBe(routeClaimKey('a.example.com', undefined));
    expect(routeClaimKey(undefined, '/v1')).toBe('* /v1');
    expect(routeClaimKey('a.example.com', '/v1')).not.toBe(routeClaimKey('a.example.com', '/v2'));
    expect(routeClaimKey('a.example.com', '/v1')).not.toBe(routeClaimKey('b.example.com', '/v1'));
  });
});
