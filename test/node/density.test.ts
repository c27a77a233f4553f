import { Size } from 'cdk8s';
import { DensityPlanner, K3S_DEFAULT_CLUSTER_CIDR } from '../../lib/node/density';

describe('DensityPlanner.plan', () => {
  test.each([
    // podsPerNode, nodeCount, maxPods, mask, ips/node, clusterCidr, nodeCapacity, qps, burst
    [100, 1, 110, 24, 253, '10.42.0.0/16', 256, 50, 100],
    [116, 1, 126, 24, 253, '10.42.0.0/16', 256, 50, 100], // 2 x 126 = 252 still fits a /24
    [117, 1, 127, 23, 509, '10.42.0.0/16', 128, 50, 100], // 254 IPs needed: a /23
    [1000, 10, 1010, 21, 2045, '10.42.0.0/16', 32, 51, 102],
    [3000, 1, 3010, 19, 8189, '10.42.0.0/16', 8, 151, 302],
    [3000, 8, 3010, 19, 8189, '10.42.0.0/16', 8, 151, 302],
    [3000, 9, 3010, 19, 8189, '10.0.0.0/15', 16, 151, 302],
    [3000, 100, 3010, 19, 8189, '10.0.0.0/12', 128, 151, 302],
    [5000, 1, 5010, 18, 16381, '10.42.0.0/16', 4, 200, 400], // QPS capped at 200
    [32756, 1, 32766, 16, 65533, '10.42.0.0/16', 1, 200, 400], // the largest target a /16 holds
  ])('%i pods x %i nodes', (pods, nodes, maxPods, mask, ips, cidr, capacity, qps, burst) => {
    const plan = DensityPlanner.plan({ podsPerNode: pods, nodeCount: nodes });
    expect(plan).toEqual({
      maxPods,
      nodeCidrMaskSize: mask,
      podIpsPerNode: ips,
      clusterCidr: cidr,
      nodeCapacity: capacity,
      kubeApiQps: qps,
      kubeApiBurst: burst,
      kubeletArgs: [`max-pods=${maxPods}`, `kube-api-qps=${qps}`, `kube-api-burst=${burst}`],
      controllerManagerArgs: [`node-cidr-mask-size=${mask}`],
    });
    expect(plan.podIpsPerNode).toBeGreaterThanOrEqual(2 * plan.maxPods);
    expect(plan.nodeCapacity).toBeGreaterThanOrEqual(nodes);
  });

  test('@default nodeCount is 1 and systemPodsPerNode is 10', () => {
    const plan = DensityPlanner.plan({ podsPerNode: 3000 });
    expect(plan.maxPods).toBe(3010);
    expect(plan.clusterCidr).toBe(K3S_DEFAULT_CLUSTER_CIDR);
    expect(DensityPlanner.plan({ podsPerNode: 3000, systemPodsPerNode: 0 }).maxPods).toBe(3000);
  });

  test('@default serviceCidr is 10.43.0.0/16: a /8 cluster CIDR would overlap it', () => {
    // 2048 nodes of /19 need all of 10.0.0.0/8, which holds the default service CIDR
    expect(() => DensityPlanner.plan({ podsPerNode: 3000, nodeCount: 2048 })).toThrow(/none free beside the service CIDR 10.43.0.0\/16/);
    expect(DensityPlanner.plan({ podsPerNode: 3000, nodeCount: 2048, serviceCidr: '172.16.0.0/16' }).clusterCidr).toBe('10.0.0.0/8');
  });

  test('@default clusterCidr skips blocks that overlap the service CIDR', () => {
    // a /10 at 10.0.0.0 would hold 10.43.0.0/16: the next one is used
    expect(DensityPlanner.plan({ podsPerNode: 3000, nodeCount: 512 }).clusterCidr).toBe('10.64.0.0/10');
  });

  test('refuses more pods than a /16 node subnet holds', () => {
    expect(() => DensityPlanner.plan({ podsPerNode: 32757 })).toThrow(/more than a \/16 node subnet holds.*Fix: use at most 32756 pods per node/);
  });

  test('refuses a cluster larger than a /8', () => {
    expect(() => DensityPlanner.plan({ podsPerNode: 3000, nodeCount: 3000 })).toThrow(/larger than a \/8.*Fix: use at most 2048 nodes/);
  });

  test('refuses targets that do not fit in memory', () => {
    expect(() => DensityPlanner.plan({ podsPerNode: 3000, nodeAllocatableMemory: Size.gibibytes(4), podMemoryRequest: Size.mebibytes(2) }))
      .toThrow(/does not fit in memory: 4096Mi allocatable holds 2048 pods/);
    expect(DensityPlanner.plan({
      podsPerNode: 2048, nodeAllocatableMemory: Size.gibibytes(4), podMemoryRequest: Size.mebibytes(2),
    }).maxPods).toBe(2058);
  });

  test('checks an explicit cluster CIDR', () => {
    expect(DensityPlanner.plan({ podsPerNode: 3000, nodeCount: 16, clusterCidr: '172.20.0.0/15' }).clusterCidr).toBe('172.20.0.0/15');
    expect(() => DensityPlanner.plan({ podsPerNode: 3000, nodeCount: 16, clusterCidr: '10.42.0.0/16' })).toThrow(/is too small: 16 node\(s\) with \/19 subnets need a \/15/);
    expect(() => DensityPlanner.plan({ podsPerNode: 100, clusterCidr: '10.43.0.0/16' })).toThrow(/overlaps the service CIDR/);
    expect(() => DensityPlanner.plan({ podsPerNode: 100, clusterCidr: '10.42.0.1/16' })).toThrow(/host bits set.*10.42.0.0\/16/);
    expect(() => DensityPlanner.plan({ podsPerNode: 100, clusterCidr: 'fd00::/48' })).toThrow(/not an IPv4 CIDR/);
  });

  test('refuses non-integer and non-positive targets', () => {
    expect(() => DensityPlanner.plan({ podsPerNode: 0 })).toThrow(/density.podsPerNode=0: must be a whole number >= 1/);
    expect(() => DensityPlanner.plan({ podsPerNode: 10.5 })).toThrow(/whole number/);
    expect(() => DensityPlanner.plan({ podsPerNode: 10, nodeCount: 0 })).toThrow(/nodeCount/);
  });
});

describe('DensityPlanner.kubeletThresholdArgs', () => {
  test('@default thresholds: memory 100Mi, nodefs/imagefs 10%, inodes 5%, image GC 70% -> 50%', () => {
    expect(DensityPlanner.kubeletThresholdArgs()).toEqual([
      'eviction-hard=imagefs.available<10%,memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%',
      'image-gc-high-threshold=70',
      'image-gc-low-threshold=50',
    ]);
  });

  test('an inode threshold out of range is refused', () => {
    expect(() => DensityPlanner.kubeletThresholdArgs({ evictionNodefsInodesFreePercent: 0 }, 'n')).toThrow(/n: kubelet.evictionNodefsInodesFreePercent=0/);
  });

  test('custom thresholds are written', () => {
    expect(DensityPlanner.kubeletThresholdArgs({
      evictionMemoryAvailable: Size.mebibytes(200),
      evictionNodefsAvailablePercent: 5,
      evictionImagefsAvailablePercent: 15,
      evictionNodefsInodesFreePercent: 10,
      imageGcHighThresholdPercent: 80,
      imageGcLowThresholdPercent: 60,
    })).toEqual([
      'eviction-hard=imagefs.available<15%,memory.available<200Mi,nodefs.available<5%,nodefs.inodesFree<10%',
      'image-gc-high-threshold=80',
      'image-gc-low-threshold=60',
    ]);
  });

  test.each([
    [{ imageGcLowThresholdPercent: 70 }, /must be below imageGcHighThresholdPercent \(70\)/],
    [{ imageGcHighThresholdPercent: 95 }, /after eviction at 90% usage/],
    [{ evictionNodefsAvailablePercent: 0 }, /from 1 to 50/],
    [{ imageGcHighThresholdPercent: 101 }, /from 1 to 100/],
    [{ evictionMemoryAvailable: Size.kibibytes(1536) }, /whole number of MiB/],
  ])('refuses %j', (t, message) => {
    expect(() => DensityPlanner.kubeletThresholdArgs(t)).toThrow(message);
  });
});
