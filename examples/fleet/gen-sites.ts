// Writes sites.csv, the example's inventory: 63 MEC sites in 3 regions, deterministic (no randomness),
// so the committed file can be checked against it. Usage: npx ts-node gen-sites.ts > sites.csv
//
// Per site: one K3s server and one or two agents with unique addresses (10.<region>.<site>.0/24),
// a zone, a hardware class (every fifth site has a GPU), the first two sites and the first GPU site
// of each region are canaries, and settings the workloads read (replicas, greeting, the analytics model).

const REGIONS = [
  { name: 'eu-central', code: 'euc', octet: 10, greeting: 'Hallo' },
  { name: 'us-east', code: 'use', octet: 20, greeting: 'Hello' },
  { name: 'ap-south', code: 'aps', octet: 30, greeting: 'Namaste' },
];
const SITES_PER_REGION = 21;
const HEADER = ['name', 'region', 'zone', 'tier', 'hardware', 'canary', 'servers', 'agents', 'setting.replicas', 'setting.greeting', 'setting.analytics.model'];

/** The CSV text (RFC 4180, LF line ends). */
export function sitesCsv(): string {
  const rows = [HEADER.join(',')];
  for (const r of REGIONS) {
    for (let i = 1; i <= SITES_PER_REGION; i++) {
      const name = `mec-${r.code}-${String(i).padStart(3, '0')}`;
      const net = `10.${r.octet}.${i}`;
      const gpu = i % 5 === 0;
      const agents = i % 3 === 0 ? 2 : 1;
      rows.push([
        name,
        r.name,
        `${r.name}-${String.fromCharCode(96 + ((i - 1) % 3) + 1)}`,
        'mec',
        gpu ? 'gpu' : 'x86-small',
        i <= 2 || i === 5 ? 'true' : 'false',
        `${name}-s1@${net}.10`,
        Array.from({ length: agents }, (_, a) => `${name}-a${a + 1}@${net}.${11 + a}`).join(';'),
        // Busier sites (every fourth) run more replicas; the others take the workload's default.
        i % 4 === 0 ? '3' : '',
        // A few sites greet in their own words (a cell with a comma shows RFC 4180 quoting).
        i === 7 ? `"${r.greeting}, ${name}"` : '',
        gpu && i % 10 === 0 ? 'yolov8s' : '',
      ].join(','));
    }
  }
  return rows.join('\n') + '\n';
}

if (require.main === module) {
  process.stdout.write(sitesCsv());
}
