import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkInstanceSolution } from '../../shared/planning/check.js';
import {
  detectFormat,
  euclidean,
  instanceProblem,
  instanceRoutes,
  InstanceFormatError,
  parseBestKnown,
  parseInstance,
  parseLiLim,
  parseSolomon,
  parseSolutionRoutes,
} from '../../shared/planning/instances.js';
import { solve } from '../../shared/planning/solver.js';

/** The literature's instances, next to the project (read, never copied): skipped when absent. */
const BENCHMARKS = fileURLToPath(new URL('../../../shared/benchmarks/vrp/', import.meta.url));
const present = existsSync(join(BENCHMARKS, 'solomon')) && existsSync(join(BENCHMARKS, 'li-lim-100'));

/** A Solomon file as the authors write it (CRLF, padded columns), with 4 customers. */
const SOLOMON = [
  'TINY1',
  '',
  'VEHICLE',
  'NUMBER     CAPACITY',
  '  3         20',
  '',
  'CUSTOMER',
  'CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME',
  ' ',
  '    0      0          0          0          0        100          0   ',
  '    1      3          4          5          0         50          2   ',
  '    2      6          8          5         10         60          2   ',
  '    3     -3         -4         10          0         30          1   ',
  '    4      0         10         10         20         40          0   ',
].join('\r\n');

/** A Li & Lim file: 2 pairs (1→2, 4→3). */
const LI_LIM = ['2\t30\t1', '0\t0\t0\t0\t0\t200\t0\t0\t0', '1\t3\t4\t10\t0\t100\t1\t0\t2', '2\t6\t8\t-10\t0\t150\t1\t1\t0', '3\t0\t5\t-7\t0\t200\t1\t4\t0', '4\t0\t10\t7\t0\t100\t1\t0\t3'].join('\n');

describe('Solomon files', () => {
  it('reads the vehicles, the capacity and every node', () => {
    const instance = parseSolomon(SOLOMON);
    expect(instance).toMatchObject({ name: 'TINY1', format: 'solomon', vehicles: 3, capacity: 20 });
    expect(instance.nodes).toHaveLength(5);
    expect(instance.nodes[3]).toEqual({ id: 3, x: -3, y: -4, demand: 10, ready: 0, due: 30, service: 1, pickup: 0, delivery: 0 });
    expect(detectFormat(SOLOMON)).toBe('solomon');
  });

  it('builds the problem: Euclidean distances in double precision, one delivery per customer, the depot horizon as the shift', () => {
    const instance = parseSolomon(SOLOMON);
    const problem = instanceProblem(instance);
    expect(problem.places).toBe(5);
    expect(problem.matrices.default?.distances[0 * 5 + 1]).toBe(5);
    expect(problem.matrices.default?.distances[1 * 5 + 4]).toBe(Math.sqrt(9 + 36));
    expect(problem.matrices.default?.durations[1 * 5 + 4]).toBe(Math.sqrt(9 + 36));
    expect(problem.jobs.map((job) => job.id)).toEqual(['1', '2', '3', '4']);
    expect(problem.jobs[1]).toEqual({ type: 'delivery', id: '2', stop: { place: 2, service: 2, window: { earliest: 10, latest: 60 } }, amount: [5] });
    expect(problem.vehicles).toHaveLength(3);
    expect(problem.vehicles[0]).toMatchObject({ start: 0, end: 0, shift: { start: 0, end: 100 }, capacity: [20] });
    expect(problem.objective).toEqual({ cost: 'distance', minimiseVehicles: false });
  });

  it('solves it, and the independent checker agrees', () => {
    const instance = parseSolomon(SOLOMON);
    const plan = solve(instanceProblem(instance), { iterations: 200, seed: 3 });
    const routes = instanceRoutes(instance, plan);
    const check = checkInstanceSolution(instance, routes);
    expect(check).toMatchObject({ feasible: true, complete: true });
    expect(check.distance).toBeCloseTo(plan.summary.distance, 9);
    expect(routes.flat().sort()).toEqual([1, 2, 3, 4]);
  });

  it('says what is wrong with a file that is not one', () => {
    expect(() => parseSolomon('C101\nsomething else')).toThrow(InstanceFormatError);
    expect(() => parseSolomon(SOLOMON.replace('    4      0         10         10         20         40          0   ', '    4      0         10         10'))).toThrow(/line 14 should hold 7 numbers/);
    expect(() => parseSolomon(SOLOMON.replace('  3         20', '  3         20    7'))).toThrow(/number capacity/);
    expect(() => parseSolomon(SOLOMON + '\r\n    4      1          1          1          0         10          0')).toThrow(/appears twice/);
    expect(() => parseInstance('hello\nworld')).toThrow(/neither a Solomon file/);
  });
});

describe('Li & Lim files', () => {
  it('reads the pairs, and builds one shipment per pair (with its pickup number)', () => {
    const instance = parseLiLim(LI_LIM, 'tiny');
    expect(instance).toMatchObject({ name: 'tiny', format: 'li-lim', vehicles: 2, capacity: 30 });
    expect(detectFormat(LI_LIM)).toBe('li-lim');
    const problem = instanceProblem(instance);
    expect(problem.jobs).toEqual([
      { type: 'shipment', id: '1', pickup: { place: 1, service: 1, window: { earliest: 0, latest: 100 } }, delivery: { place: 2, service: 1, window: { earliest: 0, latest: 150 } }, amount: [10] },
      { type: 'shipment', id: '4', pickup: { place: 4, service: 1, window: { earliest: 0, latest: 100 } }, delivery: { place: 3, service: 1, window: { earliest: 0, latest: 200 } }, amount: [7] },
    ]);
    expect(problem.objective).toEqual({ cost: 'distance', minimiseVehicles: true });
  });

  it('ignores the speed column (0 in some published files): travel time is the distance', () => {
    const instance = parseLiLim(LI_LIM.replace('2\t30\t1', '2\t30\t0'), 'tiny');
    expect(instance.speed).toBe(0);
    expect(instanceProblem(instance).matrices.default?.durations[1 * 5 + 2]).toBe(5);
  });

  it('solves it: routes numbered as in the file, each pickup before its delivery', () => {
    const instance = parseLiLim(LI_LIM, 'tiny');
    const plan = solve(instanceProblem(instance), { iterations: 200 });
    const routes = instanceRoutes(instance, plan);
    expect(routes.flat().sort()).toEqual([1, 2, 3, 4]);
    for (const route of routes) {
      if (route.includes(2)) expect(route.indexOf(1)).toBeLessThan(route.indexOf(2));
      if (route.includes(3)) expect(route.indexOf(4)).toBeLessThan(route.indexOf(3));
    }
    expect(checkInstanceSolution(instance, routes)).toMatchObject({ feasible: true, complete: true });
  });

  it('refuses pairs that do not name each other, or a task that is neither', () => {
    expect(() => parseLiLim(LI_LIM.replace('2\t6\t8\t-10\t0\t150\t1\t1\t0', '2\t6\t8\t-10\t0\t150\t1\t4\t0'))).toThrow(/does not name it back/);
    expect(() => parseLiLim(LI_LIM.replace('2\t6\t8\t-10\t0\t150\t1\t1\t0', '2\t6\t8\t-9\t0\t150\t1\t1\t0'))).toThrow(/same load/);
    expect(() => parseLiLim(`${LI_LIM}\n5\t1\t1\t0\t0\t10\t0\t0\t0`)).toThrow(/neither a pickup nor a delivery/);
    expect(() => parseLiLim('2 30\n0 0 0 0 0 10 0 0 0')).toThrow(/vehicles capacity speed/);
  });
});

describe('the independent instance checker', () => {
  const instance = parseSolomon(SOLOMON);

  it('computes the distance from the coordinates, the depot at both ends', () => {
    const [depot, one, two] = instance.nodes as [typeof instance.nodes[0], typeof instance.nodes[0], typeof instance.nodes[0]];
    const check = checkInstanceSolution(instance, [[1, 2]]);
    expect(check.distance).toBeCloseTo(euclidean(depot, one) + euclidean(one, two) + euclidean(two, depot), 12);
    expect(check.complete).toBe(false);
  });

  it('finds late service, overloads, repeats, unknown nodes and too many routes', () => {
    expect(checkInstanceSolution(instance, [[4, 3]]).errors.join()).toMatch(/node 3 served at .* after its due date 30/);
    expect(checkInstanceSolution(instance, [[1, 2, 3, 4]]).errors.join()).toMatch(/loads 30 at the depot, capacity 20/);
    expect(checkInstanceSolution(instance, [[1], [1]]).errors.join()).toMatch(/visited twice/);
    expect(checkInstanceSolution(instance, [[9]]).errors.join()).toMatch(/not a customer/);
    expect(checkInstanceSolution(instance, [[1], [2], [3], [4]]).errors.join()).toMatch(/4 routes for 3 vehicles/);
    expect(checkInstanceSolution(instance, [[3, 1], [2, 4]])).toMatchObject({ feasible: true, complete: true, vehicles: 2 });
  });

  it('checks pairs: pickup first, on the same route, within capacity', () => {
    const pdp = parseLiLim(LI_LIM, 'tiny');
    expect(checkInstanceSolution(pdp, [[2, 1]]).errors.join()).toMatch(/delivery 2 before \(or without\) its pickup 1/);
    expect(checkInstanceSolution(pdp, [[1], [2]]).errors.join()).toMatch(/never delivered/);
    expect(checkInstanceSolution(pdp, [[1, 2, 4, 3]])).toMatchObject({ feasible: true, complete: true });
  });
});

describe('best-known solutions and solution files', () => {
  it('reads best-known.json by lower-case name', () => {
    const known = parseBestKnown(JSON.stringify({ solomon: { R101: { vehicles_first: { vehicles: 19, distance: 1645.79 }, distance_only: { vehicles: 20, distance: 1642.88 } } }, 'li-lim-100': { lr101: { vehicles_first: { vehicles: 19, distance: 1650.8 } } } }));
    expect(known.get('r101')).toEqual({ vehiclesFirst: { vehicles: 19, distance: 1645.79 }, distanceOnly: { vehicles: 20, distance: 1642.88 } });
    expect(known.get('lr101')).toEqual({ vehiclesFirst: { vehicles: 19, distance: 1650.8 } });
  });

  it('reads routes written as "Route 1 : 5 3 7"', () => {
    expect(parseSolutionRoutes('Instance name : C101\nRoute 1 : 5 3 7\nRoute 2 : 1 2 \n\nCost 12.5')).toEqual([
      [5, 3, 7],
      [1, 2],
    ]);
    expect(() => parseSolutionRoutes('Route 1 : 5 x 7')).toThrow(InstanceFormatError);
  });
});

describe.skipIf(!present)('the benchmark files next to the project', () => {
  const solomon = present ? readdirSync(join(BENCHMARKS, 'solomon')).filter((file) => file.endsWith('.txt')) : [];
  const liLim = present ? readdirSync(join(BENCHMARKS, 'li-lim-100')).filter((file) => file.endsWith('.txt')) : [];
  const known = present ? parseBestKnown(readFileSync(join(BENCHMARKS, 'best-known.json'), 'utf8')) : new Map();

  it('reads every Solomon instance: 100 customers, a best-known solution for each', () => {
    expect(solomon.length).toBeGreaterThan(0);
    for (const file of solomon) {
      const instance = parseInstance(readFileSync(join(BENCHMARKS, 'solomon', file), 'utf8'), file.replace('.txt', ''));
      expect(instance.format).toBe('solomon');
      expect(instance.nodes).toHaveLength(101);
      expect(instance.name.toLowerCase()).toBe(file.replace('.txt', '').toLowerCase());
      expect(known.get(instance.name.toLowerCase())?.distanceOnly?.distance).toBeGreaterThan(0);
    }
  });

  it('reads every Li & Lim instance: pairs that name each other, a best-known solution for each', () => {
    expect(liLim.length).toBeGreaterThan(0);
    for (const file of liLim) {
      const instance = parseInstance(readFileSync(join(BENCHMARKS, 'li-lim-100', file), 'utf8'), file.replace('.txt', ''));
      expect(instance.format).toBe('li-lim');
      const problem = instanceProblem(instance);
      expect(problem.jobs.length * 2).toBe(instance.nodes.length - 1);
      expect(known.get(instance.name)?.vehiclesFirst?.vehicles).toBeGreaterThan(0);
    }
  });

  it('solves one of each family in a few hundred iterations, feasible per the independent checker', () => {
    for (const [folder, file] of [
      ['solomon', solomon.find((name) => /^RC1/i.test(name)) ?? solomon[0]],
      ['li-lim-100', liLim.find((name) => /^lr1/i.test(name)) ?? liLim[0]],
    ] as const) {
      const instance = parseInstance(readFileSync(join(BENCHMARKS, folder, file as string), 'utf8'), (file as string).replace('.txt', ''));
      const plan = solve(instanceProblem(instance), { iterations: 300, seed: 7 });
      const check = checkInstanceSolution(instance, instanceRoutes(instance, plan));
      expect(check.errors).toEqual([]);
      expect(check).toMatchObject({ feasible: true, complete: true });
      expect(check.distance).toBeCloseTo(plan.summary.distance, 6);
    }
  });
});
